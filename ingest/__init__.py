"""OTLP in, ClickHouse rows out: receivers, pure decoders, the bounded batcher, the writer, the schema."""

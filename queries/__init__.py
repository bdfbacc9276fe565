"""SQL models (one statement a file, folders by layer) and the thin loader that runs them.

Every model is a `.sql` file whose header comment says what it computes; values are
bound server-side as `{name:Type}` parameters, never formatted into the SQL. Models
read the rollups (spin_minutely, span_minutely) or the typed spins table, never the
raw OTLP tables, unless they are about raw spans (traces and logs).
"""

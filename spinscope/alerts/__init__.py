"""Alerting: rules over the SLO, RTP and traffic figures, the pending → firing → resolved lifecycle,
its history in the store, silences, and delivery to Alertmanager and webhooks.

Pure modules: `config` (alerting.yaml), `rules` (signals), `lifecycle` (the state machine),
`silences` (matching), `payloads` (what receivers get). Store side: `store`. Processes:
`evaluator` (one round per interval), `notify` (queues, retries, counters), `metrics`.
"""

"""The WeGovNow sync protocol: wire models and rules, free of HTTP and databases."""

PROTOCOL_VERSION = 1
OLDEST_SUPPORTED_PROTOCOL = 1

-- The event ids a run sent (its `<stream>.ids.gz` sidecars), staged by `fleetctl report reconcile`
-- under a LOAD_ID of its own through the bulk path (PUT + COPY), joined with RAW, then deleted.
-- GEN_MINUTE is the minute the run generated the record in, when the manifest can tell it.
CREATE TABLE IF NOT EXISTS STAGE.RUN_EVENT_IDS (
    LOAD_ID VARCHAR NOT NULL,
    STREAM VARCHAR NOT NULL,
    SEQ NUMBER(38, 0) NOT NULL,       -- position in the sidecar: the order the run sent them in
    EVENT_ID VARCHAR NOT NULL,
    GEN_MINUTE TIMESTAMP_NTZ
);

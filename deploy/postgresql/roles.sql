-- Roles of a Qatysu database (psql -f roles.sql as postgres). The web processes use their own role so that
-- PostgreSQL, not the web server, stops a stuck request: a per-role statement_timeout works through PgBouncer
-- in transaction mode, where per-connection options cannot be sent. Workers (long digests, screening
-- batches) use the owner role without that limit.
CREATE ROLE qatysu LOGIN PASSWORD 'change-me';
CREATE ROLE qatysu_web LOGIN PASSWORD 'change-me' IN ROLE qatysu;
ALTER ROLE qatysu_web SET statement_timeout = '30s';
ALTER ROLE qatysu_web SET idle_in_transaction_session_timeout = '60s';
-- Streaming replication (pg_basebackup and the replica's primary_conninfo).
CREATE ROLE replicator REPLICATION LOGIN PASSWORD 'change-me';

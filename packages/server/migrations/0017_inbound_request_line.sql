-- The request line of an accepted ingest, so a listener can replay it as sent: the method (POST, PUT or
-- PATCH), the path after the token (with its leading slash, or '') and the query string without its '?'
-- (minus the endpoint's static token parameter, which is never stored). Rows from before keep POST/''.
ALTER TABLE inbound_messages
  ADD COLUMN request_method text DEFAULT 'POST',
  ADD COLUMN path_suffix text DEFAULT '',
  ADD COLUMN query_string text DEFAULT '';

-- Accepted ingests used to keep the endpoint's static token header verbatim in inbound_messages.headers
-- (the token itself is stored only hashed). New rows store it as "[redacted]"; this masks the rows already
-- there. Header names keep the provider's case, so they are compared lowercase.
UPDATE inbound_messages m
   SET headers = (
         SELECT jsonb_object_agg(h.key, CASE WHEN lower(h.key) = lower(e.token_header_name)
                                             THEN to_jsonb('[redacted]'::text) ELSE h.value END)
           FROM jsonb_each(m.headers) AS h(key, value)
       )
  FROM inbound_endpoints e
 WHERE e.id = m.inbound_endpoint_id
   AND e.token_header_name IS NOT NULL
   AND EXISTS (SELECT 1 FROM jsonb_object_keys(m.headers) AS k(key) WHERE lower(k.key) = lower(e.token_header_name));

import { useSearchParams } from 'react-router';
import { EndpointSelect } from '../components/EndpointSelect';
import { RejectionTable } from '../components/RejectionTable';

export default function Rejections() {
  const [params, setParams] = useSearchParams();
  const endpointId = params.get('endpoint_id') || null;
  return (
    <section>
      <h1>Rejections</h1>
      <p className="muted">
        Requests to ingest URLs that failed verification are kept here, with masked headers, and never
        forwarded.
      </p>
      <div className="toolbar">
        <div>
          <label htmlFor="r-endpoint">Endpoint</label>
          <EndpointSelect
            id="r-endpoint"
            direction="inbound"
            value={endpointId ?? ''}
            onChange={(value) => setParams(value ? { endpoint_id: value } : {}, { replace: true })}
          />
        </div>
      </div>
      <RejectionTable endpointId={endpointId} />
    </section>
  );
}

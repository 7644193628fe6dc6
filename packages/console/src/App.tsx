import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { ProjectPicker } from './screens/ProjectPicker';
import { SignIn } from './screens/SignIn';
import { useSession } from './session';

// Each screen is its own chunk: the first paint loads only the shell and the sign-in form.
const Overview = lazy(() => import('./screens/Overview'));
const Messages = lazy(() => import('./screens/Messages'));
const MessageDetail = lazy(() => import('./screens/MessageDetail'));
const Endpoints = lazy(() => import('./screens/Endpoints'));
const EndpointForm = lazy(() => import('./screens/EndpointForm'));
const EndpointDetail = lazy(() => import('./screens/EndpointDetail'));
const InboundEndpoints = lazy(() => import('./screens/InboundEndpoints'));
const InboundEndpointForm = lazy(() => import('./screens/InboundEndpointForm'));
const InboundEndpointDetail = lazy(() => import('./screens/InboundEndpointDetail'));
const Rejections = lazy(() => import('./screens/Rejections'));
const Dlq = lazy(() => import('./screens/Dlq'));
const Exports = lazy(() => import('./screens/Exports'));
const ApiKeys = lazy(() => import('./screens/ApiKeys'));
const Settings = lazy(() => import('./screens/Settings'));
const Plan = lazy(() => import('./screens/Plan'));
const NotFound = lazy(() => import('./screens/NotFound'));

export function App() {
  const { status, session, projectId } = useSession();
  if (status === 'loading') return <p className="boot">Loading…</p>;
  if (status === 'signed-out') return <SignIn />;
  if (session?.kind === 'admin' && !projectId) return <ProjectPicker />;
  return (
    <Layout>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <Routes>
          <Route index element={<Overview />} />
          <Route path="messages" element={<Messages direction="outbound" />} />
          <Route path="messages/:id" element={<MessageDetail direction="outbound" />} />
          <Route path="inbound/messages" element={<Messages direction="inbound" />} />
          <Route path="inbound/messages/:id" element={<MessageDetail direction="inbound" />} />
          <Route path="endpoints" element={<Endpoints />} />
          <Route path="endpoints/new" element={<EndpointForm />} />
          <Route path="endpoints/:id" element={<EndpointDetail />} />
          <Route path="endpoints/:id/edit" element={<EndpointForm />} />
          <Route path="inbound/endpoints" element={<InboundEndpoints />} />
          <Route path="inbound/endpoints/new" element={<InboundEndpointForm />} />
          <Route path="inbound/endpoints/:id" element={<InboundEndpointDetail />} />
          <Route path="inbound/endpoints/:id/edit" element={<InboundEndpointForm />} />
          <Route path="rejections" element={<Rejections />} />
          <Route path="dlq" element={<Dlq />} />
          <Route path="exports" element={<Exports />} />
          <Route path="api-keys" element={<ApiKeys />} />
          <Route path="settings" element={<Settings />} />
          <Route path="plan" element={<Plan />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

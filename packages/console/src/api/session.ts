import { request } from './http';

export interface Session {
  kind: 'key' | 'admin';
  project_id: string | null;
  key_id: string | null;
  mode: 'live' | 'test';
  csrf_token: string | null;
}

export type Credentials = { api_key: string } | { admin_token: string; project_id?: string };

export async function currentSession(): Promise<Session | null> {
  try {
    return (await request<Session>('GET', '/v1/console/session')).data;
  } catch {
    return null;
  }
}

export async function openSession(credentials: Credentials): Promise<Session> {
  return (await request<Session>('POST', '/v1/console/session', credentials)).data;
}

export async function closeSession(): Promise<void> {
  await request('DELETE', '/v1/console/session');
}

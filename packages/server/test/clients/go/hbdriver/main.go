// Command hbdriver calls every method of the official Go SDK's client against a running server and prints
// one JSON line per call: {"method", "ok", "error"?, "status"?, "code"?}. It is built in GOPATH mode
// against the SDK sources found outside this repository (see ../../go-sdk.test.ts), which judges the lines.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	hookbridge "github.com/hookbridge/hookbridge-go"
)

type line struct {
	Method string `json:"method"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
	Status int    `json:"status,omitempty"`
	Code   string `json:"code,omitempty"`
}

func report(method string, err error) bool {
	out := line{Method: method, OK: err == nil}
	if err != nil {
		out.Error = err.Error()
		var apiErr *hookbridge.APIError
		if errors.As(err, &apiErr) {
			out.Status = apiErr.StatusCode
			out.Code = apiErr.Code
		}
	}
	encoded, _ := json.Marshal(out)
	fmt.Println(string(encoded))
	return err == nil
}

func ptr[T any](value T) *T { return &value }

func waitUntil(done func() bool) {
	for i := 0; i < 300 && !done(); i++ {
		time.Sleep(50 * time.Millisecond)
	}
}

// stop reports a call whose result the rest needs, and ends the run if it failed.
func stop(method string, err error) {
	if !report(method, err) {
		fmt.Println(`{"method":"stopped","ok":false}`)
		os.Exit(1)
	}
}

func main() {
	ctx := context.Background()
	base := os.Getenv("HB_BASE_URL")
	receiver := os.Getenv("HB_RECEIVER_URL")
	options := []hookbridge.Option{hookbridge.WithBaseURL(base), hookbridge.WithSendURL(base), hookbridge.WithRetries(0)}
	hb, err := hookbridge.NewClient(os.Getenv("HB_API_KEY"), options...)
	stop("NewClient", err)
	admin, err := hookbridge.NewClient(os.Getenv("HB_ADMIN_TOKEN"), options...)
	stop("NewClient", err)

	// Outbound.
	endpoint, err := hb.CreateEndpoint(ctx, hookbridge.CreateEndpointRequest{
		URL: receiver + "/ok", Description: ptr("go"), RateLimitRPS: ptr(20), Burst: ptr(5),
		Headers: &map[string]string{"X-From": "go"},
	})
	stop("CreateEndpoint", err)
	failing, err := hb.CreateEndpoint(ctx, hookbridge.CreateEndpointRequest{URL: receiver + "/fail"})
	stop("CreateEndpoint", err)
	_, err = hb.GetEndpoint(ctx, endpoint.ID)
	report("GetEndpoint", err)
	_, err = hb.ListEndpoints(ctx, &hookbridge.EndpointsFilter{Limit: ptr(10)})
	report("ListEndpoints", err)
	_, err = hb.UpdateEndpoint(ctx, endpoint.ID, hookbridge.UpdateEndpointRequest{Description: ptr("go updated")})
	report("UpdateEndpoint", err)
	_, err = hb.PauseEndpoint(ctx, endpoint.ID)
	report("PauseEndpoint", err)
	_, err = hb.ResumeEndpoint(ctx, endpoint.ID)
	report("ResumeEndpoint", err)
	key, err := hb.CreateEndpointSigningKey(ctx, endpoint.ID)
	stop("CreateEndpointSigningKey", err)
	_, err = hb.ListEndpointSigningKeys(ctx, endpoint.ID)
	report("ListEndpointSigningKeys", err)
	report("DeleteEndpointSigningKey", hb.DeleteEndpointSigningKey(ctx, endpoint.ID, key.ID))
	_, err = hb.RotateEndpointSecret(ctx, endpoint.ID)
	report("RotateEndpointSecret", err)

	sent, err := hb.Send(ctx, hookbridge.SendRequest{
		EndpointID: endpoint.ID, Payload: map[string]any{"go": true}, IdempotencyKey: "go-idem-1",
	})
	stop("Send", err)
	status := func(id string, want hookbridge.MessageStatus) func() bool {
		return func() bool {
			message, err := hb.GetMessage(ctx, id)
			return err == nil && message.Status == want
		}
	}
	waitUntil(status(sent.MessageID, hookbridge.StatusSucceeded))
	_, err = hb.GetMessage(ctx, sent.MessageID)
	report("GetMessage", err)
	_, err = hb.Replay(ctx, sent.MessageID)
	report("Replay", err)
	waitUntil(status(sent.MessageID, hookbridge.StatusSucceeded))
	_, err = hb.ReplayBatch(ctx, []string{sent.MessageID})
	report("ReplayBatch", err)
	waitUntil(status(sent.MessageID, hookbridge.StatusSucceeded))
	_, err = hb.ReplayAll(ctx, hookbridge.ReplayAllMessagesRequest{
		Status: hookbridge.StatusSucceeded, EndpointID: ptr(endpoint.ID), Limit: ptr(10),
	})
	report("ReplayAll", err)

	retrying, err := hb.Send(ctx, hookbridge.SendRequest{EndpointID: failing.ID, Payload: map[string]any{"will": "fail"}})
	stop("Send", err)
	waitUntil(status(retrying.MessageID, hookbridge.StatusPendingRetry))
	_, err = hb.RetryNow(ctx, retrying.MessageID)
	report("RetryNow", err)
	waitUntil(status(retrying.MessageID, hookbridge.StatusPendingRetry))
	_, err = hb.CancelRetry(ctx, retrying.MessageID)
	report("CancelRetry", err)
	waitUntil(status(retrying.MessageID, hookbridge.StatusFailedPermanent))
	_, err = hb.GetDLQMessages(ctx, &hookbridge.DLQFilter{Limit: ptr(10)})
	report("GetDLQMessages", err)
	_, err = hb.ReplayFromDLQ(ctx, retrying.MessageID)
	report("ReplayFromDLQ", err)
	_, err = hb.GetLogs(ctx, &hookbridge.LogsFilter{Status: ptr(hookbridge.StatusSucceeded), Limit: ptr(10)})
	report("GetLogs", err)
	_, err = hb.GetMetrics(ctx, hookbridge.Window1Hour)
	report("GetMetrics", err)
	_, err = hb.GetTimeSeriesMetrics(ctx, hookbridge.Window24Hour, ptr(endpoint.ID))
	report("GetTimeSeriesMetrics", err)

	// API keys and projects (projects with the admin token).
	_, err = hb.ListAPIKeys(ctx)
	report("ListAPIKeys", err)
	apiKey, err := hb.CreateAPIKey(ctx, hookbridge.ModeTest, ptr("go key"))
	stop("CreateAPIKey", err)
	report("DeleteAPIKey", hb.DeleteAPIKey(ctx, apiKey.KeyID))
	_, err = admin.ListProjects(ctx)
	report("ListProjects", err)
	project, err := admin.CreateProject(ctx, hookbridge.CreateProjectRequest{Name: "go project", RateLimitDefault: ptr(25)})
	stop("CreateProject", err)
	_, err = admin.GetProject(ctx, project.ID)
	report("GetProject", err)
	updated, err := admin.UpdateProject(ctx, project.ID, hookbridge.UpdateProjectRequest{Name: ptr("go project 2")})
	if err == nil && updated.Name != "go project 2" {
		err = fmt.Errorf("name not changed: %q", updated.Name)
	}
	report("UpdateProject", err)
	report("DeleteProject", admin.DeleteProject(ctx, project.ID))

	// Billing: checkout and portal are not offered by a self-hosted server (501).
	_, err = hb.GetSubscription(ctx)
	report("GetSubscription", err)
	_, err = hb.GetUsageHistory(ctx, ptr(12), ptr(0))
	report("GetUsageHistory", err)
	_, err = hb.GetInvoices(ctx)
	report("GetInvoices", err)
	_, err = hb.CreateCheckout(ctx, hookbridge.CreateCheckoutRequest{Plan: "pro", Interval: "monthly"})
	report("CreateCheckout", err)
	_, err = hb.CreatePortal(ctx, &hookbridge.CreatePortalRequest{ReturnURL: ptr("https://example.com/back")})
	report("CreatePortal", err)

	// Inbound.
	inbound, err := hb.CreateInboundEndpoint(ctx, hookbridge.CreateInboundEndpointRequest{
		Name: ptr("go inbound"), URL: receiver + "/inbound", SigningEnabled: ptr(true),
	})
	stop("CreateInboundEndpoint", err)
	_, err = hb.ListInboundEndpoints(ctx, nil)
	report("ListInboundEndpoints", err)
	_, err = hb.GetInboundEndpoint(ctx, inbound.ID)
	report("GetInboundEndpoint", err)
	_, err = hb.UpdateInboundEndpoint(ctx, inbound.ID, hookbridge.UpdateInboundEndpointRequest{Description: ptr("go")})
	report("UpdateInboundEndpoint", err)
	_, err = hb.PauseInboundEndpoint(ctx, inbound.ID)
	report("PauseInboundEndpoint", err)
	_, err = hb.ResumeInboundEndpoint(ctx, inbound.ID)
	report("ResumeInboundEndpoint", err)
	response, err := http.Post(inbound.IngestURL, "application/json", strings.NewReader(`{"in":1}`))
	if err != nil {
		report("ingest", err)
		os.Exit(1)
	}
	var ingested struct {
		Data struct {
			MessageID string `json:"message_id"`
		} `json:"data"`
	}
	_ = json.NewDecoder(response.Body).Decode(&ingested)
	response.Body.Close()
	if rejected, err := http.Post(inbound.IngestURL+"x", "text/plain", strings.NewReader("bad token")); err == nil {
		rejected.Body.Close()
	}
	inboundID := ingested.Data.MessageID
	inboundDone := func() bool {
		logs, err := hb.GetInboundLogs(ctx, &hookbridge.InboundLogsFilter{InboundEndpointID: ptr(inbound.ID)})
		return err == nil && len(logs.Logs) > 0 && logs.Logs[0].Status == hookbridge.StatusSucceeded
	}
	waitUntil(inboundDone)
	_, err = hb.ReplayInboundMessage(ctx, inboundID)
	report("ReplayInboundMessage", err)
	waitUntil(inboundDone)
	_, err = hb.ReplayBatchInboundMessages(ctx, []string{inboundID})
	report("ReplayBatchInboundMessages", err)
	waitUntil(inboundDone)
	_, err = hb.ReplayAllInboundMessages(ctx, hookbridge.InboundReplayAllRequest{
		Status: hookbridge.StatusSucceeded, InboundEndpointID: ptr(inbound.ID), Limit: ptr(10),
	})
	report("ReplayAllInboundMessages", err)
	_, err = hb.GetInboundLogs(ctx, &hookbridge.InboundLogsFilter{InboundEndpointID: ptr(inbound.ID)})
	report("GetInboundLogs", err)
	_, err = hb.GetInboundMetrics(ctx, hookbridge.Window1Hour, nil)
	report("GetInboundMetrics", err)
	_, err = hb.GetInboundTimeSeriesMetrics(ctx, hookbridge.Window24Hour, ptr(inbound.ID))
	report("GetInboundTimeSeriesMetrics", err)
	_, err = hb.ListInboundRejections(ctx, &hookbridge.InboundRejectionsFilter{InboundEndpointID: ptr(inbound.ID)})
	report("ListInboundRejections", err)

	// Exports.
	now := time.Now()
	export, err := hb.CreateExport(ctx, hookbridge.CreateExportRequest{
		StartTime: now.Add(-time.Hour), EndTime: now.Add(time.Minute),
	})
	stop("CreateExport", err)
	waitUntil(func() bool {
		record, err := hb.GetExport(ctx, export.ID)
		return err == nil && record.Status == "completed"
	})
	_, err = hb.GetExport(ctx, export.ID)
	report("GetExport", err)
	_, err = hb.ListExports(ctx)
	report("ListExports", err)
	download, err := hb.DownloadExport(ctx, export.ID)
	if err == nil && download.URL == "" {
		err = errors.New("no download URL")
	}
	report("DownloadExport", err)

	_, err = hb.DeleteInboundEndpoint(ctx, inbound.ID)
	report("DeleteInboundEndpoint", err)
	report("DeleteEndpoint", hb.DeleteEndpoint(ctx, failing.ID))
	fmt.Println(`{"method":"done","ok":true}`)
}

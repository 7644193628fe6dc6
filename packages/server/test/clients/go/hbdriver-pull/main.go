// Command hbdriver-pull calls the official Go SDK's pull endpoint, message deletion and actor lookup
// methods (added in the SDK after v1.4.0) against a running server, checking what each one decodes, and
// prints one JSON line per call: {"method", "ok", "error"?, "status"?, "code"?}. Built in GOPATH mode like
// ../hbdriver, only when the SDK found has these methods (see ../../go-sdk-pull.test.ts).
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

// check reports a call: its error, or else a wrong decoded value (`bad` names it, empty when all is well).
func check(method string, err error, bad string) bool {
	if err == nil && bad != "" {
		err = errors.New(bad)
	}
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
	return out.OK
}

func stop(method string, err error, bad string) {
	if !check(method, err, bad) {
		fmt.Println(`{"method":"stopped","ok":false}`)
		os.Exit(1)
	}
}

func unless(ok bool, format string, args ...any) string {
	if ok {
		return ""
	}
	return fmt.Sprintf(format, args...)
}

func ptr[T any](value T) *T { return &value }

func waitUntil(done func() bool) {
	for i := 0; i < 300 && !done(); i++ {
		time.Sleep(50 * time.Millisecond)
	}
}

// post sends a provider's request to an ingest URL and returns the id the server answered with.
func post(url, body string, headers map[string]string) (string, error) {
	request, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	request.Header.Set("Content-Type", "application/json")
	for name, value := range headers {
		request.Header.Set(name, value)
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		return "", err
	}
	defer response.Body.Close()
	var answer struct {
		Data struct {
			MessageID string `json:"message_id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(response.Body).Decode(&answer); err != nil || response.StatusCode >= 300 {
		return "", fmt.Errorf("ingest answered %d (%v)", response.StatusCode, err)
	}
	return answer.Data.MessageID, nil
}

func main() {
	ctx := context.Background()
	base := os.Getenv("HB_BASE_URL")
	receiver := os.Getenv("HB_RECEIVER_URL")
	apiKey := os.Getenv("HB_API_KEY")
	hb, err := hookbridge.NewClient(apiKey, hookbridge.WithBaseURL(base), hookbridge.WithSendURL(base), hookbridge.WithRetries(0))
	stop("NewClient", err, "")

	// Pull endpoints.
	created, err := hb.CreatePullEndpoint(ctx, hookbridge.CreatePullEndpointRequest{
		Name:                   ptr("Stripe Pull"),
		Description:            ptr("Stores provider events for polling"),
		RetentionDays:          ptr(14),
		EventTypeSource:        ptr("body"),
		EventTypePath:          ptr("type"),
		VerifyStaticToken:      ptr(true),
		TokenHeaderName:        ptr("X-Webhook-Token"),
		TokenValue:             ptr("provider-token"),
		IdempotencyHeaderNames: &[]string{"X-Idempotency-Key"},
		IngestResponseCode:     ptr(202),
	})
	stop("CreatePullEndpoint", err, unless(err == nil && created.SecretToken != nil && *created.SecretToken != "", "no secret_token"))
	ingestURL := base + "/v1/webhooks/receive/" + created.ID + "/" + *created.SecretToken
	token := map[string]string{"X-Webhook-Token": "provider-token"}
	var events []string
	for _, kind := range []string{"payment_intent.succeeded", "user.created", "user.created"} {
		id, err := post(ingestURL, `{"type":"`+kind+`","id":"evt_go"}`, token)
		stop("ingest", err, "")
		events = append(events, id)
	}

	listed, err := hb.ListPullEndpoints(ctx, &hookbridge.PullEndpointsFilter{Limit: ptr(10)})
	found := false
	if err == nil {
		for _, endpoint := range listed.Endpoints {
			found = found || endpoint.ID == created.ID
		}
	}
	check("ListPullEndpoints", err, unless(found, "the endpoint is not listed"))
	fetched, err := hb.GetPullEndpoint(ctx, created.ID)
	check("GetPullEndpoint", err, unless(err == nil && fetched.Counts != nil && fetched.Counts.Stored != nil &&
		*fetched.Counts.Stored == 3 && fetched.Counts.Fetched != nil && *fetched.Counts.Fetched == 0, "counts wrong"))
	updated, err := hb.UpdatePullEndpoint(ctx, created.ID, hookbridge.UpdatePullEndpointRequest{
		Name: ptr("Stripe Pull Renamed"), RetentionDays: ptr(21),
	})
	check("UpdatePullEndpoint", err, unless(err == nil && updated.Name != nil && *updated.Name == "Stripe Pull Renamed", "name not changed"))
	paused, err := hb.PausePullEndpoint(ctx, created.ID)
	check("PausePullEndpoint", err, unless(err == nil && paused.Paused, "not paused"))
	resumed, err := hb.ResumePullEndpoint(ctx, created.ID)
	check("ResumePullEndpoint", err, unless(err == nil && !resumed.Paused, "still paused"))

	listedEvents, err := hb.ListPullEvents(ctx, created.ID, &hookbridge.PullEventsFilter{
		Status: ptr("stored"), EventType: ptr("payment_intent.succeeded"), Limit: ptr(5),
	})
	check("ListPullEvents", err, unless(err == nil && len(listedEvents.Events) == 1 && listedEvents.Events[0].ID == events[0], "wrong events"))
	preview, err := hb.GetPullEvent(ctx, created.ID, events[0], true)
	check("GetPullEvent preview", err, unless(err == nil && preview.Status == "stored" && preview.Timing != nil &&
		preview.Timing.IngestProcessingMs != nil, "preview changed the status or has no timing"))
	event, err := hb.GetPullEvent(ctx, created.ID, events[0], false)
	check("GetPullEvent", err, unless(err == nil && event.Status == "fetched" && event.FetchedAt != nil &&
		event.ContentType == "application/json" && event.Timing != nil && event.Timing.TimeToFetchMs != nil, "not fetched"))
	acked, err := hb.AckPullEvents(ctx, created.ID, []string{events[0]})
	check("AckPullEvents", err, unless(err == nil && acked.Acknowledged == 1, "acknowledged != 1"))
	again, err := hb.AckPullEvents(ctx, created.ID, []string{events[0]})
	check("AckPullEvents again", err, unless(err == nil && again.Acknowledged == 0, "a second ack counted"))

	logs, err := hb.GetPullLogs(ctx, &hookbridge.PullLogsFilter{
		PullEndpointID: ptr(created.ID), Status: ptr("delivered"), EventType: ptr("payment_intent.succeeded"), Limit: ptr(10),
	})
	check("GetPullLogs", err, unless(err == nil && len(logs.Entries) == 1 && logs.Entries[0].PullEndpointID == created.ID &&
		logs.Entries[0].FetchedAt != nil && logs.Entries[0].Timing != nil, "wrong log entries"))
	metrics, err := hb.GetPullMetrics(ctx, hookbridge.Window24Hour, ptr(created.ID))
	check("GetPullMetrics", err, unless(err == nil && metrics.TotalMessages == 3 && metrics.Succeeded == 1, "wrong metrics"))
	series, err := hb.GetPullTimeSeriesMetrics(ctx, hookbridge.Window24Hour, ptr(created.ID))
	total, fetchedCount := 0, 0
	if err == nil {
		for _, bucket := range series.Buckets {
			total += bucket.Total
			fetchedCount += bucket.Fetched
		}
	}
	check("GetPullTimeSeriesMetrics", err, unless(total == 3 && fetchedCount == 0, "wrong buckets: total %d, fetched %d", total, fetchedCount))

	deletedEvent, err := hb.DeletePullEvent(ctx, created.ID, events[1])
	check("DeletePullEvent", err, unless(err == nil && deletedEvent.EventID == events[1], "wrong event id"))
	eventBatch, err := hb.DeletePullEventsBatch(ctx, created.ID, []string{events[1], events[2]})
	check("DeletePullEventsBatch", err, unless(err == nil && eventBatch.DeletedCount == 1, "deleted_count != 1"))
	eventsAll, err := hb.DeletePullEventsAll(ctx, created.ID, hookbridge.DeletePullEventsAllRequest{EventType: ptr("payment_intent.succeeded")})
	check("DeletePullEventsAll", err, unless(err == nil && eventsAll.Deleted == 1 && len(eventsAll.DeletedEventIDs) == 1, "deleted != 1"))

	// Message deletion.
	endpoint, err := hb.CreateEndpoint(ctx, hookbridge.CreateEndpointRequest{URL: receiver + "/ok"})
	stop("CreateEndpoint", err, "")
	var messages []string
	for n := 0; n < 3; n++ {
		sent, err := hb.Send(ctx, hookbridge.SendRequest{EndpointID: endpoint.ID, Payload: map[string]any{"n": n}})
		stop("Send", err, "")
		messages = append(messages, sent.MessageID)
		waitUntil(func() bool {
			message, err := hb.GetMessage(ctx, sent.MessageID)
			return err == nil && message.Status == hookbridge.StatusSucceeded
		})
	}
	deleted, err := hb.DeleteMessage(ctx, messages[0])
	check("DeleteMessage", err, unless(err == nil && deleted.MessageID == messages[0] && !deleted.AlreadyDeleted, "wrong result"))
	repeated, err := hb.DeleteMessage(ctx, messages[0])
	check("DeleteMessage again", err, unless(err == nil && repeated.AlreadyDeleted, "not already_deleted"))
	batch, err := hb.DeleteMessagesBatch(ctx, []string{messages[0], messages[1], "01935abc-def0-7123-4567-890abcdef012"})
	check("DeleteMessagesBatch", err, unless(err == nil && batch.DeletedCount == 1 && batch.NotFoundCount == 1 &&
		batch.Results[1].Outcome == hookbridge.DeleteOutcomeDeleted, "wrong batch result"))
	all, err := hb.DeleteMessagesAll(ctx, hookbridge.DeleteMessagesAllRequest{Status: ptr("succeeded"), EndpointID: ptr(endpoint.ID), Limit: ptr(500)})
	check("DeleteMessagesAll", err, unless(err == nil && all.Deleted == 1 && len(all.DeletedMessageIDs) == 1 &&
		all.DeletedMessageIDs[0] == messages[2] && all.Error == nil, "wrong delete-all result"))

	inbound, err := hb.CreateInboundEndpoint(ctx, hookbridge.CreateInboundEndpointRequest{Name: ptr("go inbound"), URL: receiver + "/inbound"})
	stop("CreateInboundEndpoint", err, "")
	var received []string
	for n := 0; n < 2; n++ {
		id, err := post(inbound.IngestURL, `{"in":true}`, nil)
		stop("ingest", err, "")
		received = append(received, id)
	}
	inboundDeleted, err := hb.DeleteInboundMessage(ctx, received[0])
	check("DeleteInboundMessage", err, unless(err == nil && !inboundDeleted.AlreadyDeleted, "already deleted"))
	inboundBatch, err := hb.DeleteInboundMessagesBatch(ctx, received)
	check("DeleteInboundMessagesBatch", err, unless(err == nil && inboundBatch.DeletedCount == 1 && inboundBatch.AlreadyDeletedCount == 1, "wrong batch"))
	inboundAll, err := hb.DeleteInboundMessagesAll(ctx, hookbridge.DeleteInboundMessagesAllRequest{InboundEndpointID: ptr(inbound.ID)})
	check("DeleteInboundMessagesAll", err, unless(err == nil && inboundAll.Deleted == 0, "deleted something"))

	// Actors: the key that deleted resolves; users do not exist on a self-hosted server.
	keys, err := hb.ListAPIKeys(ctx)
	stop("ListAPIKeys", err, "")
	keyID := ""
	for _, key := range keys {
		if strings.HasPrefix(apiKey, key.Prefix) {
			keyID = key.KeyID
		}
	}
	actors, err := hb.LookupActors(ctx, hookbridge.ActorLookupRequest{UserIDs: []string{"user_1", "user_2"}, APIKeyIDs: []string{keyID}})
	check("LookupActors", err, unless(err == nil && len(actors.Users) == 0 && actors.APIKeys[keyID].Label != "", "key not resolved"))

	removed, err := hb.DeletePullEndpoint(ctx, created.ID)
	check("DeletePullEndpoint", err, unless(err == nil && removed.Deleted, "not deleted"))
	fmt.Println(`{"method":"done","ok":true}`)
}

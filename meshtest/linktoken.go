package meshtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"

	"github.com/mesh-go/mesh"
)

// LinkTokenPath is the only path the fake serves (with POST).
const LinkTokenPath = "/api/v1/linktoken" //nolint:gosec // G101: a URL path, not a credential

// Error types of the fake's badRequest envelopes.
const (
	ErrorTypeMissingField       = "missingField"       // userId is absent, null, empty or whitespace-only
	ErrorTypeInvalidField       = "invalidField"       // any other problem with the body
	ErrorTypeInvalidContentType = "invalidContentType" // Content-Type is not application/json
)

// linkToken answers a POST to the Link token endpoint whose credentials were accepted.
func (s *Server) linkToken(w http.ResponseWriter, r *http.Request, body []byte) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.badRequest(w, ErrorTypeInvalidContentType, "Content-Type must be application/json")
		return
	}
	req, errorType, msg := decodeRequest(body)
	if req == nil {
		s.badRequest(w, errorType, msg)
		return
	}
	linkID := s.newID()
	content := &content{LinkToken: base64.StdEncoding.EncodeToString([]byte("https://web.meshconnect.com/link/" + linkID))}
	if t, _ := req["transferOptions"].(map[string]any); t != nil && t["generatePayLink"] == true {
		link := "https://pay.meshconnect.com/" + linkID
		content.PaymentLink = &link
	}
	s.writeEnvelope(w, http.StatusOK, envelope{Status: mesh.StatusOK, ErrorHash: randomHex(4), Content: content})
}

// decodeRequest checks body against the wire spec: first its structure (JSON object,
// known properties, JSON types: requestSchema), then the documented rules
// (checkRules), which meshtest implements itself rather than calling package mesh's
// Validate. It returns the decoded body, or nil with the errorType and message of the
// first problem.
func decodeRequest(body []byte) (req map[string]any, errorType, msg string) {
	switch {
	case len(body) > MaxBodyBytes:
		return nil, ErrorTypeInvalidField, "request body is larger than " + strconv.Itoa(MaxBodyBytes) + " bytes"
	case !json.Valid(body):
		return nil, ErrorTypeInvalidField, "request body is not valid JSON"
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, ErrorTypeInvalidField, "request body is not valid JSON"
	}
	req, ok := v.(map[string]any)
	if !ok {
		return nil, ErrorTypeInvalidField, "request body must be a JSON object, got " + jsonKindOf(v)
	}
	if err := requestSchema.check(req, ""); err != nil {
		return nil, ErrorTypeInvalidField, err.message()
	}
	if err := checkRules(req); err != nil {
		if err.missing {
			return nil, ErrorTypeMissingField, err.message()
		}
		return nil, ErrorTypeInvalidField, err.message()
	}
	return req, "", ""
}

// jsonKindOf names the JSON type of a value decoded with UseNumber, null included.
func jsonKindOf(v any) string {
	if v == nil {
		return "null"
	}
	return jsonKind(v).String()
}

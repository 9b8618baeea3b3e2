package meshtest

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// LinkTokenPath is the path of the Link token endpoint (POST).
const LinkTokenPath = "/api/v1/linktoken" //nolint:gosec // G101: a URL path, not a credential

// Error types of the fake's badRequest envelopes. Mesh documents no answer for a body
// of another media type; the fake refuses it with a badRequest envelope too, so that a
// client's handling of Mesh's envelopes covers it.
const (
	ErrorTypeMissingField       = "missingField"       // userId is absent, null, empty or blank
	ErrorTypeInvalidField       = "invalidField"       // any other problem with the body
	ErrorTypeInvalidContentType = "invalidContentType" // Content-Type is not a JSON media type Mesh accepts
)

// linkToken answers a POST to the Link token endpoint whose credentials were accepted.
func (s *Server) linkToken(w http.ResponseWriter, r *http.Request, body []byte) {
	if !jsonMediaType(r.Header.Get("Content-Type")) {
		s.badRequest(w, ErrorTypeInvalidContentType, "Content-Type must be application/json, text/json or application/*+json")
		return
	}
	req, errorType, msg := decodeRequest(body)
	if req == nil {
		s.badRequest(w, errorType, msg)
		return
	}
	id := s.newID()
	paymentLink := ""
	if t, _ := req["transferOptions"].(map[string]any); t != nil && t["generatePayLink"] == true {
		paymentLink = "https://pay.meshconnect.com/" + id
	}
	token := linkToken(id)
	s.rememberToken(token, body)
	s.writeOK(w, tokenContent(token, paymentLink))
}

// jsonMediaType reports whether contentType is one that Mesh's ASP.NET server reads
// as JSON: application/json, text/json or application/*+json (application/problem+json,
// application/vnd.foo+json), in any case and with any parameters (charset=utf-8).
func jsonMediaType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType) // lower-cases the type
	if err != nil {
		return false
	}
	if mt == "application/json" || mt == "text/json" {
		return true
	}
	sub, ok := strings.CutPrefix(mt, "application/")
	return ok && len(sub) > len("+json") && strings.HasSuffix(sub, "+json")
}

// decodeRequest checks body against the wire spec: first its structure (JSON object,
// known properties, JSON types, null where allowed: requestSchema), then the
// documented rules (checkRules), which meshtest implements itself rather than calling
// package mesh's Validate. It returns the decoded body, or nil with the errorType and
// message of the first problem.
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

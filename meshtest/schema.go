package meshtest

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
)

// kind is the JSON type a schema node accepts.
type kind int

const (
	kindString kind = iota
	kindNumber
	kindBool
	kindObject
	kindArray
)

// String names the kind as an error message does ("a string", ...).
func (k kind) String() string {
	switch k {
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindBool:
		return "a boolean"
	case kindObject:
		return "an object"
	case kindArray:
		return "an array"
	}
	return "?"
}

// schema describes one JSON value of the request body, as the wire spec documents it.
type schema struct {
	kind     kind
	nullable bool               // null is accepted (the spec's "or null" fields)
	fields   map[string]*schema // properties of an object; any other name is refused
	elem     *schema            // items of an array
}

// Constructors of schema nodes, to write requestSchema compactly.
func str() *schema                        { return &schema{kind: kindString} }
func number() *schema                     { return &schema{kind: kindNumber} }
func boolean() *schema                    { return &schema{kind: kindBool} }
func object(f map[string]*schema) *schema { return &schema{kind: kindObject, fields: f} }
func array(elem *schema) *schema          { return &schema{kind: kindArray, elem: elem} }
func orNull(s *schema) *schema            { s.nullable = true; return s }

// requestSchema is the body of POST /api/v1/linktoken per the wire spec: Mesh's
// schema, whose every optional property may be null except the booleans and
// toAddresses[].networkId. Array items are never null.
//
// An object accepts only the property names listed here, matched exactly (case
// included): an unknown name, or a known one in another case ("UserID"), is refused.
// This is meshtest's own choice, stricter than what Mesh is known to do (its schema
// says additionalProperties: false, but whether the live server enforces it, and
// whether it matches names case-sensitively, is not documented): a misspelt name is a
// bug of the caller that Mesh might silently ignore, so the fake makes it loud.
var requestSchema = object(map[string]*schema{
	"userId":                   orNull(str()), // required: absent, null or blank is refused by the rules
	"brokerType":               orNull(str()),
	"integrationId":            orNull(str()),
	"restrictMultipleAccounts": boolean(),
	"disableApiKeyGeneration":  boolean(),
	"subClientId":              orNull(str()),
	"transferOptions": orNull(object(map[string]*schema{
		"toAddresses": orNull(array(object(map[string]*schema{
			"networkId":           str(),
			"symbol":              orNull(str()), // required by the rules
			"address":             orNull(str()), // required by the rules
			"addressTag":          orNull(str()),
			"amount":              orNull(number()),
			"displayAmountInFiat": orNull(number()),
			"minAmount":           orNull(number()),
			"minAmountInFiat":     orNull(number()),
		}))),
		"amountInFiat":          orNull(number()),
		"transactionId":         orNull(str()),
		"clientFee":             orNull(number()),
		"transferType":          orNull(str()),
		"fundingOptions":        orNull(object(map[string]*schema{"enabled": boolean()})),
		"isInclusiveFeeEnabled": boolean(),
		"description":           orNull(str()),
		"goodsDetails": orNull(array(object(map[string]*schema{
			"goodsType":        orNull(str()),
			"goodsCategory":    orNull(str()),
			"referenceGoodsId": orNull(str()),
			"goodsName":        orNull(str()),
			"goodsDetail":      orNull(str()),
		}))),
		"generatePayLink": boolean(),
	})),
	"verifyWalletOptions": orNull(object(map[string]*schema{
		"message":             orNull(str()), // required with signedMessage by the rules
		"verificationMethods": orNull(array(str())),
		"addresses":           orNull(array(str())),
		"networkId":           orNull(str()),
		"networkType":         orNull(str()),
	})),
})

// schemaError is the first place where a body breaks the schema.
type schemaError struct {
	path   string // JSON path, e.g. "transferOptions.toAddresses[0].foo"
	reason string
}

func (e *schemaError) message() string { return e.path + ": " + e.reason }

// check walks v (decoded with UseNumber) against s and returns the first problem, in
// a stable order: an object's properties by name, an array's items by index.
func (s *schema) check(v any, path string) *schemaError {
	if v == nil {
		if s.nullable {
			return nil
		}
		return &schemaError{path, "must be " + s.kind.String() + ", got null"}
	}
	if got := jsonKind(v); got != s.kind {
		return &schemaError{path, "must be " + s.kind.String() + ", got " + got.String()}
	}
	switch v := v.(type) {
	case json.Number:
		// encoding/json would refuse to put it in a float64; say so in the API's terms.
		if f, err := strconv.ParseFloat(string(v), 64); err != nil || math.IsInf(f, 0) {
			return &schemaError{path, "must be a finite number, got " + clip(string(v))}
		}
	case map[string]any:
		names := make([]string, 0, len(v))
		for name := range v {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			p := clip(name)
			if path != "" {
				p = path + "." + p
			}
			f, ok := s.fields[name]
			if !ok {
				return &schemaError{p, "is not a known property (meshtest refuses unknown names, and names in another case, on purpose)"}
			}
			if err := f.check(v[name], p); err != nil {
				return err
			}
		}
	case []any:
		for i, item := range v {
			if err := s.elem.check(item, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonKind is the JSON type of a value decoded with UseNumber (not null).
func jsonKind(v any) kind {
	switch v.(type) {
	case string:
		return kindString
	case json.Number:
		return kindNumber
	case bool:
		return kindBool
	case map[string]any:
		return kindObject
	}
	return kindArray
}

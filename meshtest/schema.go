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

// requestSchema is the body of POST /api/v1/linktoken per the wire spec. Names are
// case-sensitive, as Mesh's are.
var requestSchema = object(map[string]*schema{
	"userId":                   orNull(str()), // null is refused by the rules, as missing
	"brokerType":               str(),
	"integrationId":            orNull(str()),
	"restrictMultipleAccounts": boolean(),
	"disableApiKeyGeneration":  boolean(),
	"subClientId":              orNull(str()),
	"transferOptions": orNull(object(map[string]*schema{
		"toAddresses": array(object(map[string]*schema{
			"networkId":           str(),
			"symbol":              str(),
			"address":             str(),
			"addressTag":          str(),
			"amount":              number(),
			"displayAmountInFiat": number(),
			"minAmount":           number(),
			"minAmountInFiat":     number(),
		})),
		"amountInFiat":          number(),
		"transactionId":         str(),
		"clientFee":             number(),
		"transferType":          str(),
		"isInclusiveFeeEnabled": boolean(),
		"description":           str(),
		"goodsDetails": array(object(map[string]*schema{
			"goodsType":        str(),
			"goodsCategory":    str(),
			"referenceGoodsId": str(),
			"goodsName":        str(),
			"goodsDetail":      str(),
		})),
		"generatePayLink": boolean(),
	})),
	"verifyWalletOptions": orNull(object(map[string]*schema{
		"message":             str(),
		"verificationMethods": array(str()),
		"addresses":           array(str()),
		"networkId":           str(),
		"networkType":         str(),
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
			return &schemaError{path, "must be a finite number, got " + string(v)}
		}
	case map[string]any:
		names := make([]string, 0, len(v))
		for name := range v {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			p := name
			if path != "" {
				p = path + "." + name
			}
			f, ok := s.fields[name]
			if !ok {
				return &schemaError{p, "is not a known property (names are case-sensitive)"}
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

package handler

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodb-sse-cmk/stack/contract"
)

// KeySchema is the primary key of the table the writer writes to: the key
// attributes every item must carry, and their types. Build it with
// [KeySchemaFromEnv]; the zero KeySchema accepts no event.
type KeySchema struct {
	partition keyAttribute
	sort      *keyAttribute // nil when the table has no sort key
	// indexes are the key attributes of the table's secondary indexes that
	// are not keys of the table, by name: an item need not carry them, but
	// one it carries must be of the index key's type and size.
	indexes []keyAttribute
}

// keyAttribute is one key attribute of the table.
type keyAttribute struct {
	name     string
	typ      types.ScalarAttributeType // S, N or B
	maxBytes int                       // of an S value, or of a B value once decoded
}

// KeySchemaFromEnv reads the key schema from the variables the template sets:
// PARTITION_KEY and PARTITION_KEY_TYPE, SORT_KEY and SORT_KEY_TYPE when the
// table has a sort key, and INDEX_PARTITION_KEYS and INDEX_SORT_KEYS when it
// has secondary indexes. getenv is os.Getenv in the function; an empty value
// counts as unset. The error names the variable and what is allowed.
func KeySchemaFromEnv(getenv func(string) string) (KeySchema, error) {
	k, err := tableKeysFromEnv(getenv)
	if err != nil {
		return KeySchema{}, err
	}
	tableKeys := map[string]bool{k.partition.name: true}
	if k.sort != nil {
		tableKeys[k.sort.name] = true
	}
	sorts, err := indexKeysFromEnv(getenv, contract.EnvIndexSortKeys, contract.MaxSortKeyBytes, tableKeys)
	if err != nil {
		return KeySchema{}, err
	}
	for _, a := range sorts {
		tableKeys[a.name] = true
	}
	partitions, err := indexKeysFromEnv(getenv, contract.EnvIndexPartitionKeys, contract.MaxPartitionKeyBytes, tableKeys)
	if err != nil {
		return KeySchema{}, err
	}
	k.indexes = append(partitions, sorts...)
	slices.SortFunc(k.indexes, func(a, b keyAttribute) int { return strings.Compare(a.name, b.name) })
	return k, nil
}

// indexKeysFromEnv reads one of the index key variables: a JSON object from
// attribute name to type. taken holds the names the table's keys, or the
// other variable, already have.
func indexKeysFromEnv(getenv func(string) string, variable string, maxBytes int, taken map[string]bool) ([]keyAttribute, error) {
	value := getenv(variable)
	if value == "" {
		return nil, nil
	}
	allowed := `it must be a JSON object from attribute name to S, N or B, such as {"status":"S"}`
	var declared map[string]types.ScalarAttributeType
	if err := json.Unmarshal([]byte(value), &declared); err != nil {
		return nil, fmt.Errorf("%s is not JSON of the right shape; %s", variable, allowed)
	}
	var out []keyAttribute
	for _, name := range slices.Sorted(maps.Keys(declared)) {
		typ := declared[name]
		switch {
		case name == "" || len(name) > contract.MaxKeyNameBytes:
			return nil, fmt.Errorf("%s names an attribute of %d bytes; %s, each name 1 to %d bytes", variable, len(name), allowed, contract.MaxKeyNameBytes)
		case name == contract.BatchField:
			return nil, fmt.Errorf(`%s names "items", which the event reserves for a batch; the writer cannot serve a table with an index key attribute of that name`, variable)
		case taken[name]:
			return nil, fmt.Errorf("%s names %q, which is already a key of the table or in the other index variable; each attribute is in one place", variable, name)
		case !slices.Contains(keyTypes, typ):
			return nil, fmt.Errorf("%s gives %q type %q; %s", variable, name, typ, allowed)
		}
		out = append(out, keyAttribute{name: name, typ: typ, maxBytes: maxBytes})
	}
	return out, nil
}

// keyTypes are the types a key attribute may have.
var keyTypes = []types.ScalarAttributeType{types.ScalarAttributeTypeS, types.ScalarAttributeTypeN, types.ScalarAttributeTypeB}

// tableKeysFromEnv reads the table's own keys.
func tableKeysFromEnv(getenv func(string) string) (KeySchema, error) {
	partition, err := keyFromEnv(getenv, contract.EnvPartitionKey, contract.EnvPartitionKeyType, "partition", contract.MaxPartitionKeyBytes)
	if err != nil {
		return KeySchema{}, err
	}
	sortName, sortType := getenv(contract.EnvSortKey), getenv(contract.EnvSortKeyType)
	switch {
	case sortName == "" && sortType == "":
		return KeySchema{partition: partition}, nil
	case sortName == "":
		return KeySchema{}, errors.New("SORT_KEY is not set but SORT_KEY_TYPE is; set both for a table with a sort key, or neither")
	case sortType == "":
		return KeySchema{}, errors.New("SORT_KEY_TYPE is not set but SORT_KEY is; set both for a table with a sort key, or neither")
	}
	sort, err := keyFromEnv(getenv, contract.EnvSortKey, contract.EnvSortKeyType, "sort", contract.MaxSortKeyBytes)
	if err != nil {
		return KeySchema{}, err
	}
	if sort.name == partition.name {
		return KeySchema{}, fmt.Errorf("SORT_KEY is %q, the same as PARTITION_KEY; it must name another attribute", sort.name)
	}
	return KeySchema{partition: partition, sort: &sort}, nil
}

// keyFromEnv reads one key attribute; role is "partition" or "sort".
func keyFromEnv(getenv func(string) string, nameVar, typeVar, role string, maxBytes int) (keyAttribute, error) {
	allowedName := fmt.Sprintf("it must name the table's %s key attribute, 1 to %d bytes", role, contract.MaxKeyNameBytes)
	name := getenv(nameVar)
	switch {
	case name == "":
		return keyAttribute{}, fmt.Errorf("%s is not set; %s", nameVar, allowedName)
	case len(name) > contract.MaxKeyNameBytes:
		return keyAttribute{}, fmt.Errorf("%s is %d bytes; %s", nameVar, len(name), allowedName)
	case name == contract.BatchField:
		// {"items": [...]} is a batch, so an item could not carry this key.
		return keyAttribute{}, fmt.Errorf(`%s is "items", which the event reserves for a batch; the writer cannot serve a table with a key attribute of that name`, nameVar)
	}
	typ := types.ScalarAttributeType(getenv(typeVar))
	switch typ {
	case types.ScalarAttributeTypeS, types.ScalarAttributeTypeN, types.ScalarAttributeTypeB:
		return keyAttribute{name: name, typ: typ, maxBytes: maxBytes}, nil
	case "":
		return keyAttribute{}, fmt.Errorf("%s is not set; it must be S, N or B", typeVar)
	}
	return keyAttribute{}, fmt.Errorf("%s is %q; it must be S, N or B", typeVar, typ)
}

// identity is an item's key as DynamoDB compares it, so that a batch cannot
// hold two puts of one item.
type identity struct{ partition, sort string }

// keyOf checks the key attributes of obj, the item at path, and returns the
// key as text (see [Result]) and its identity. It replaces a B value with its
// bytes, so that it is sized and stored as B.
func (k KeySchema) keyOf(path string, obj map[string]any) (string, identity, error) {
	pText, pID, err := k.partition.check(path, obj)
	if err != nil {
		return "", identity{}, err
	}
	if k.sort == nil {
		return pText, identity{partition: pID}, nil
	}
	sText, sID, err := k.sort.check(path, obj)
	if err != nil {
		return "", identity{}, err
	}
	return k.partition.name + "=" + pText + ", " + k.sort.name + "=" + sText, identity{pID, sID}, nil
}

// checkIndexKeys validates the index key attributes obj, the item at path,
// carries, as DynamoDB would refuse them: of another type, empty or too
// long. An item without one is simply not in that index.
func (k KeySchema) checkIndexKeys(path string, obj map[string]any) error {
	for _, a := range k.indexes {
		if _, carried := obj[a.name]; !carried {
			continue
		}
		if _, _, err := a.check(path, obj); err != nil {
			return err
		}
	}
	return nil
}

// names names the key attributes for messages: "id", or "orderId and at".
func (k KeySchema) names() string {
	if k.sort == nil {
		return k.partition.name
	}
	return k.partition.name + " and " + k.sort.name
}

// check validates the attribute's value in obj and returns it as text, as
// sent, and as DynamoDB compares it.
func (a keyAttribute) check(path string, obj map[string]any) (text, id string, err error) {
	field := join(path, a.name)
	v, ok := obj[a.name]
	if !ok {
		return "", "", invalid(field, "is required; it must be "+a.allowed())
	}
	if a.typ == types.ScalarAttributeTypeN {
		n, ok := v.(json.Number)
		if !ok {
			return "", "", invalid(field, "must be "+a.allowed()+", got "+kind(v))
		}
		return string(n), canonicalNumber(string(n)), nil
	}
	s, ok := v.(string)
	switch {
	case !ok:
		return "", "", invalid(field, "must be "+a.allowed()+", got "+kind(v))
	case s == "":
		return "", "", invalid(field, "must be "+a.allowed()+", got an empty string")
	case a.typ == types.ScalarAttributeTypeS && len(s) > a.maxBytes:
		return "", "", invalid(field, fmt.Sprintf("must be %s, got %d bytes", a.allowed(), len(s)))
	case a.typ == types.ScalarAttributeTypeS:
		return s, s, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", "", invalid(field, "must be "+a.allowed()+", got a string that is not base64")
	}
	if len(b) == 0 || len(b) > a.maxBytes { // base64 may hold only line breaks
		return "", "", invalid(field, fmt.Sprintf("must be %s, got %d bytes", a.allowed(), len(b)))
	}
	obj[a.name] = b
	return s, string(b), nil
}

// allowed says what a value of the attribute must be.
func (a keyAttribute) allowed() string {
	switch a.typ {
	case types.ScalarAttributeTypeN:
		return "a number"
	case types.ScalarAttributeTypeB:
		return fmt.Sprintf("a base64 string of 1 to %d bytes once decoded", a.maxBytes)
	}
	return fmt.Sprintf("a string of 1 to %d bytes", a.maxBytes)
}

// canonicalNumber writes a JSON number as significant digits and an exponent,
// so that 7, 7.0, 70e-1 and 0.7E+1, which DynamoDB stores as one number, are
// the same key. The decoder only hands out valid numbers.
func canonicalNumber(n string) string {
	sign := ""
	if rest, ok := strings.CutPrefix(n, "-"); ok {
		sign, n = "-", rest
	}
	mantissa, exponent, _ := strings.Cut(strings.ToLower(n), "e")
	whole, fraction, _ := strings.Cut(mantissa, ".")
	digits := strings.TrimLeft(whole+fraction, "0")
	if digits == "" {
		return "0" // -0 too
	}
	significant := strings.TrimRight(digits, "0")
	exp := new(big.Int) // JSON puts no bound on an exponent's digits
	if exponent != "" {
		exp.SetString(exponent, 10)
	}
	exp.Add(exp, big.NewInt(int64(len(digits)-len(significant)-len(fraction))))
	return sign + significant + "e" + exp.String()
}

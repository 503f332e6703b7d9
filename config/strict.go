package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

var unmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

// checkShape walks a configuration file's YAML against the type it
// decodes into, so that a mistake is told in the file's own words: the
// line, the path of the setting as written (tables[0].sortKey), and what
// goes there, with the nearest key for one it does not know. yaml.v3 alone
// would say "cannot unmarshal !!seq into config.File".
func checkShape(n *yaml.Node, t reflect.Type, path string) error {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // absent: the profile gives it
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			return fmt.Errorf("line %d: %s: %w", n.Line, path, err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return shapeError(n, path, "a mapping of "+strings.Join(keys(t), ", "))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			field, ok := fieldFor(t, key.Value)
			if !ok {
				return fmt.Errorf("line %d: %s: unknown key%s; want one of %s", key.Line, join(path, key.Value), suggestion(key.Value, keys(t)), strings.Join(keys(t), ", "))
			}
			if err := checkShape(value, field.Type, join(path, key.Value)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return shapeError(n, path, "a list")
		}
		for i, item := range n.Content {
			if err := checkShape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return shapeError(n, path, "a mapping of names to text")
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := checkShape(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value)); err != nil {
				return err
			}
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return shapeError(n, path, "text")
		}
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return shapeError(n, path, "a whole number")
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return shapeError(n, path, "true or false")
		}
	}
	return nil
}

// shapeError says what a setting holds and what it should.
func shapeError(n *yaml.Node, path, want string) error {
	got := map[yaml.Kind]string{yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}[n.Kind]
	if got == "" {
		got = fmt.Sprintf("%q", n.Value)
	}
	if path == "" {
		path = "the file"
	}
	return fmt.Errorf("line %d: %s: got %s, want %s", n.Line, path, got, want)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// keys are the keys a struct takes, by their yaml tags, in field order.
func keys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		out = append(out, strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0])
	}
	return out
}

func fieldFor(t reflect.Type, key string) (reflect.StructField, bool) {
	i := slices.Index(keys(t), key)
	if i < 0 {
		return reflect.StructField{}, false
	}
	return t.Field(i), true
}

// suggestion names the known key nearest to an unknown one: the same but
// for case, else one at most a third of its letters away.
func suggestion(key string, known []string) string {
	best, bestDistance := "", len(key)/3+1
	for _, k := range known {
		d := distance(strings.ToLower(key), strings.ToLower(k))
		if d == 0 {
			return fmt.Sprintf(" (did you mean %s?)", k)
		}
		if d < bestDistance {
			best, bestDistance = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diagonal := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diagonal, row[j] = row[j], min(row[j]+1, row[j-1]+1, diagonal+cost)
		}
	}
	return row[len(b)]
}

// Package config reads the stack configuration file: a profile, the tables,
// and settings for the keys and writers, in strict YAML. The profile gives
// the defaults; the file refines them.
package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dynamodb-sse-cmk/stack/template"
)

// Default is the configuration gen uses without -config.
//
//go:embed default.yaml
var Default []byte

// Overrides are settings given on the command line, which win over the file.
type Overrides struct {
	Profile   string
	KeyAccess string
}

// Load reads the configuration file at path, or the embedded default when
// path is empty, applies the overrides, and gives the configuration they
// describe. Errors name the file.
func Load(path string, o Overrides) (template.Config, error) {
	src, name := Default, "the embedded default configuration"
	if path != "" {
		var err error
		if src, err = os.ReadFile(path); err != nil {
			return template.Config{}, fmt.Errorf("-config: %w", err)
		}
		name = path
	}
	file, err := Parse(src)
	if err != nil {
		return template.Config{}, fmt.Errorf("%s: %w", name, err)
	}
	if o.Profile != "" {
		file.Profile = &o.Profile
	}
	if o.KeyAccess != "" {
		if file.Key == nil {
			file.Key = &Key{}
		}
		file.Key.Access = &o.KeyAccess
	}
	cfg, err := file.Config()
	if err != nil {
		return template.Config{}, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

// File is a configuration file as written. Pointers tell a setting that is
// absent, and so comes from the profile, from one set to its zero value.
type File struct {
	Profile          *string           `yaml:"profile"`
	Account          string            `yaml:"account"`
	Region           string            `yaml:"region"`
	StackName        string            `yaml:"stackName"`
	MaxGlobalIndexes int               `yaml:"maxGlobalIndexes"`
	Tables           []Table           `yaml:"tables"`
	Key              *Key              `yaml:"key"`
	Writer           *Writer           `yaml:"writer"`
	Tags             map[string]string `yaml:"tags"`
}

// Table is one entry of tables.
type Table struct {
	Name                string        `yaml:"name"`
	PartitionKey        *Attribute    `yaml:"partitionKey"`
	SortKey             *Attribute    `yaml:"sortKey"`
	PointInTimeRecovery *bool         `yaml:"pointInTimeRecovery"`
	DeletionProtection  *bool         `yaml:"deletionProtection"`
	TTLAttribute        string        `yaml:"ttlAttribute"`
	Stream              string        `yaml:"stream"`
	TableClass          string        `yaml:"tableClass"`
	GlobalIndexes       []GlobalIndex `yaml:"globalIndexes"`
	LocalIndexes        []LocalIndex  `yaml:"localIndexes"`
	Capacity            *Capacity     `yaml:"capacity"`
	WriterFunction      *bool         `yaml:"writerFunction"`
	Grants              []Grant       `yaml:"grants"`
	Replicas            []string      `yaml:"replicas"`
}

// GlobalIndex is one entry of a table's globalIndexes.
type GlobalIndex struct {
	Name         string     `yaml:"name"`
	PartitionKey *Attribute `yaml:"partitionKey"`
	SortKey      *Attribute `yaml:"sortKey"`
	Projection   Projection `yaml:"projection"`
}

// LocalIndex is one entry of a table's localIndexes.
type LocalIndex struct {
	Name       string     `yaml:"name"`
	SortKey    *Attribute `yaml:"sortKey"`
	Projection Projection `yaml:"projection"`
}

// Projection is ALL, KEYS_ONLY, or a list of the attributes to include.
type Projection template.Projection

// UnmarshalYAML reads a projection's type, or the list of attributes of an
// INCLUDE projection.
func (p *Projection) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		p.Type = n.Value
		return nil
	case yaml.SequenceNode:
		p.Type = template.ProjectInclude
		return n.Decode(&p.NonKeyAttributes)
	}
	return fmt.Errorf("want %s, %s or a list of attributes", template.ProjectAll, template.ProjectKeysOnly)
}

// Capacity is a table's capacity: provisioned with auto scaling, or on
// demand with an optional ceiling.
type Capacity struct {
	Mode          string       `yaml:"mode"`
	Read          *AutoScaling `yaml:"read"`
	Write         *AutoScaling `yaml:"write"`
	MaxReadUnits  int          `yaml:"maxReadUnits"`
	MaxWriteUnits int          `yaml:"maxWriteUnits"`
}

// AutoScaling is the auto scaling of provisioned reads or writes.
type AutoScaling struct {
	Min    int `yaml:"min"`
	Max    int `yaml:"max"`
	Target int `yaml:"target"`
}

// Grant is one entry of a table's grants.
type Grant struct {
	Principal string `yaml:"principal"`
	Allow     string `yaml:"allow"`
}

// Attribute is a key attribute.
type Attribute struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"`
}

// Key holds the key settings.
type Key struct {
	Scope                     *string  `yaml:"scope"`
	RotationPeriodInDays      *int     `yaml:"rotationPeriodInDays"`
	PendingWindowInDays       *int     `yaml:"pendingWindowInDays"`
	Access                    *string  `yaml:"access"`
	Admins                    []string `yaml:"admins"`
	LimitGrantsToAWSResources *bool    `yaml:"limitGrantsToAWSResources"`
	MultiRegion               *bool    `yaml:"multiRegion"`
}

// Writer holds the writer settings.
type Writer struct {
	MemorySize         *int    `yaml:"memorySize"`
	Timeout            *int    `yaml:"timeout"`
	Architecture       *string `yaml:"architecture"`
	LogRetentionInDays *int    `yaml:"logRetentionInDays"`
	CodeURI            string  `yaml:"codeUri"`
}

// Parse reads a configuration file strictly: an unknown key, a second
// document or a value of the wrong type is an error naming its line and
// the setting's path as the file writes it.
func Parse(src []byte) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the file is empty; want at least profile or tables")
		}
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document; want one")
	}
	if err := checkShape(doc.Content[0], reflect.TypeFor[File](), ""); err != nil {
		return nil, err
	}
	var f File
	if err := doc.Decode(&f); err != nil { // what the shape allows and yaml.v3 still refuses, such as a key given twice
		return nil, errors.New(strings.TrimPrefix(strings.ReplaceAll(err.Error(), "\n  ", " "), "yaml: unmarshal errors: "))
	}
	return &f, nil
}

// Config turns the file into the configuration its profile and settings
// describe, and validates it. Settings the file leaves out come from the
// profile.
func (f *File) Config() (template.Config, error) {
	profile := string(template.ProfileDefault)
	if f.Profile != nil {
		profile = *f.Profile
	}
	cfg, err := template.ConfigFor(profile)
	if err != nil {
		return template.Config{}, err
	}
	if cfg.Profile == template.ProfileSeed {
		return cfg, f.onlySeedSettings()
	}
	cfg.Account, cfg.MaxGlobalIndexes = f.Account, f.MaxGlobalIndexes
	cfg.Region, cfg.StackName = f.Region, f.StackName
	if err := f.applyTables(&cfg); err != nil {
		return template.Config{}, err
	}
	if f.Key != nil && f.Key.MultiRegion != nil && !cfg.IsDeployment() {
		return template.Config{}, errors.New("key.multiRegion: no table has replicas; it decides the keys of tables with replicas, and a single-Region table's key is always a single-Region key: remove it, or give a table replicas")
	}
	f.applyKey(&cfg.Key)
	f.applyWriter(&cfg.Writer)
	if f.Tags != nil {
		cfg.Tags = f.Tags
	}
	if err := cfg.Validate(); err != nil {
		return template.Config{}, err
	}
	return cfg, nil
}

// onlySeedSettings refuses settings the seed profile would ignore: it
// reproduces the reference template, whose one table is the default table.
func (f *File) onlySeedSettings() error {
	defaultTable := []Table{{Name: template.DefaultTable().Name, PartitionKey: &Attribute{Name: "id", Type: "S"}}}
	if f.Key != nil || f.Writer != nil || f.Tags != nil || f.Account != "" || f.MaxGlobalIndexes != 0 || f.Region != "" || f.StackName != "" ||
		(f.Tables != nil && !reflect.DeepEqual(f.Tables, defaultTable)) {
		return errors.New("profile: seed reproduces the reference template, key policy included; remove tables, key (and -key-access), writer, tags, account, region, stackName and maxGlobalIndexes, or choose default or production")
	}
	return nil
}

func (f *File) applyTables(cfg *template.Config) error {
	if f.Tables == nil {
		return nil
	}
	cfg.Tables = make([]template.TableConfig, len(f.Tables))
	for i, t := range f.Tables {
		if t.PartitionKey == nil {
			return missingKey(fmt.Sprintf("tables[%d].partitionKey", i))
		}
		table := cfg.Table(t.Name, template.Attribute(*t.PartitionKey))
		table.PointInTimeRecovery = or(t.PointInTimeRecovery, table.PointInTimeRecovery)
		table.DeletionProtection = or(t.DeletionProtection, table.DeletionProtection)
		table.TTLAttribute, table.Stream, table.TableClass = t.TTLAttribute, t.Stream, t.TableClass
		table.SortKey = optional(t.SortKey)
		table.NoWriter = !or(t.WriterFunction, true)
		path := fmt.Sprintf("tables[%d]", i)
		var err error
		if table.GlobalIndexes, err = globalIndexes(path, t.GlobalIndexes); err != nil {
			return err
		}
		if table.LocalIndexes, err = localIndexes(path, t.LocalIndexes); err != nil {
			return err
		}
		table.Capacity = t.Capacity.config()
		for _, g := range t.Grants {
			table.Grants = append(table.Grants, template.Grant{Principal: g.Principal, Allow: template.Access(g.Allow)})
		}
		table.Replicas = t.Replicas
		cfg.Tables[i] = table
	}
	return nil
}

// missingKey says a key attribute is missing, as the file must give it.
func missingKey(path string) error {
	return fmt.Errorf("%s: missing; want {name: ..., type: S|N|B}", path)
}

func optional(a *Attribute) *template.Attribute {
	if a == nil {
		return nil
	}
	attribute := template.Attribute(*a)
	return &attribute
}

func globalIndexes(table string, indexes []GlobalIndex) ([]template.GlobalIndex, error) {
	var out []template.GlobalIndex
	for i, g := range indexes {
		if g.PartitionKey == nil {
			return nil, missingKey(fmt.Sprintf("%s.globalIndexes[%d].partitionKey", table, i))
		}
		out = append(out, template.GlobalIndex{
			Name: g.Name, PartitionKey: template.Attribute(*g.PartitionKey), SortKey: optional(g.SortKey),
			Projection: template.Projection(g.Projection),
		})
	}
	return out, nil
}

func localIndexes(table string, indexes []LocalIndex) ([]template.LocalIndex, error) {
	var out []template.LocalIndex
	for i, l := range indexes {
		if l.SortKey == nil {
			return nil, missingKey(fmt.Sprintf("%s.localIndexes[%d].sortKey", table, i))
		}
		out = append(out, template.LocalIndex{Name: l.Name, SortKey: template.Attribute(*l.SortKey), Projection: template.Projection(l.Projection)})
	}
	return out, nil
}

func (c *Capacity) config() *template.Capacity {
	if c == nil {
		return nil
	}
	scaling := func(s *AutoScaling) *template.AutoScaling {
		if s == nil {
			return nil
		}
		return &template.AutoScaling{Min: s.Min, Max: s.Max, Target: s.Target}
	}
	return &template.Capacity{
		Mode: template.CapacityMode(c.Mode), Read: scaling(c.Read), Write: scaling(c.Write),
		MaxReadUnits: c.MaxReadUnits, MaxWriteUnits: c.MaxWriteUnits,
	}
}

func (f *File) applyKey(k *template.KeyConfig) {
	if f.Key == nil {
		return
	}
	if f.Key.Scope != nil {
		k.Scope = template.KeyScope(*f.Key.Scope)
	}
	k.RotationPeriodInDays = or(f.Key.RotationPeriodInDays, k.RotationPeriodInDays)
	k.PendingWindowInDays = or(f.Key.PendingWindowInDays, k.PendingWindowInDays)
	if f.Key.Access != nil {
		k.Access = template.KeyAccess(*f.Key.Access)
	}
	if f.Key.Admins != nil {
		k.Admins = f.Key.Admins
	}
	k.LimitGrantsToAWSResources = or(f.Key.LimitGrantsToAWSResources, k.LimitGrantsToAWSResources)
	k.MultiRegion = or(f.Key.MultiRegion, k.MultiRegion)
}

func (f *File) applyWriter(w *template.WriterConfig) {
	if f.Writer == nil {
		return
	}
	w.MemorySize = or(f.Writer.MemorySize, w.MemorySize)
	w.Timeout = or(f.Writer.Timeout, w.Timeout)
	w.Architecture = or(f.Writer.Architecture, w.Architecture)
	w.LogRetentionInDays = or(f.Writer.LogRetentionInDays, w.LogRetentionInDays)
	w.CodeURI = f.Writer.CodeURI
}

// or gives the file's setting when it has one, and the profile's otherwise.
func or[T any](set *T, profile T) T {
	if set != nil {
		return *set
	}
	return profile
}

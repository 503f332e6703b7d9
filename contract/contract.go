// Package contract holds the names and limits that the template, the writer
// and the posture checks must agree on, each written once: the environment
// through which the template tells the writer its table and index keys, the
// event field that makes a batch, DynamoDB's limits on keys, items and
// secondary indexes and its default point-in-time recovery period, auto
// scaling's target range, and the ranges KMS accepts for a key's rotation
// and pending window.
package contract

// The writer's environment: the variables the template sets on each writer
// and the writer reads at init.
const (
	EnvTableName        = "TABLE_NAME"
	EnvPartitionKey     = "PARTITION_KEY"
	EnvPartitionKeyType = "PARTITION_KEY_TYPE"
	// EnvSortKey and EnvSortKeyType are set only for a table with a sort key.
	EnvSortKey     = "SORT_KEY"
	EnvSortKeyType = "SORT_KEY_TYPE"
	// EnvIndexPartitionKeys and EnvIndexSortKeys are set only for a table
	// with secondary indexes: each a JSON object from the name of an index
	// key attribute that is not a key of the table to its type, such as
	// {"status":"S"}. An attribute that is the sort key of any index is in
	// EnvIndexSortKeys, whose values are the shorter; the others are in
	// EnvIndexPartitionKeys.
	EnvIndexPartitionKeys = "INDEX_PARTITION_KEYS"
	EnvIndexSortKeys      = "INDEX_SORT_KEYS"
)

// BatchField is the event field that makes the writer's event a batch, so no
// key attribute may have this name.
const BatchField = "items"

// KeyTypes are the types DynamoDB allows for a key attribute, in the order
// messages list them.
func KeyTypes() []string { return []string{"S", "N", "B"} }

// DynamoDB's limits on keys and items.
const (
	MaxKeyNameBytes      = 255
	MaxPartitionKeyBytes = 2048 // of an S value, or of a B value once decoded
	MaxSortKeyBytes      = 1024
	MaxItemBytes         = 400 * 1024      // one item, as DynamoDB counts it
	MaxBatchItems        = 100             // items in one TransactWriteItems
	MaxBatchBytes        = 4 * 1024 * 1024 // all items of one TransactWriteItems
	MaxItemLevels        = 32              // nesting levels, the item itself being the first
)

// DefaultRecoveryPeriodDays is how many days of point-in-time backups
// DynamoDB keeps when a table turns recovery on and sets no period.
const DefaultRecoveryPeriodDays = 35

// DynamoDB's limits on secondary indexes: local indexes per table (fixed),
// global indexes per table (the default quota, which an account can raise),
// and the non-key attributes INCLUDE projections name, summed over a
// table's indexes (an attribute projected into two indexes counts twice).
const (
	MaxLocalIndexes              = 5
	DefaultMaxGlobalIndexes      = 20
	MaxProjectedNonKeyAttributes = 100
	MinIndexNameBytes            = 3
	MaxIndexNameBytes            = 255
	MinTargetUtilizationPercent  = 20 // DynamoDB auto scaling's target tracking
	MaxTargetUtilizationPercent  = 90
)

// The ranges KMS accepts for a customer managed key, and the rotation
// period it takes when a key sets none.
const (
	DefaultRotationPeriodDays = 365
	MinRotationPeriodDays     = 90
	MaxRotationPeriodDays     = 2560
	MinPendingWindowDays      = 7
	MaxPendingWindowDays      = 30
)

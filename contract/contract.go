// Package contract holds the names and limits that the template, the writer
// and the posture checks must agree on, each written once: the environment
// through which the template tells the writer its table, the event field
// that makes a batch, DynamoDB's limits on keys and items and its default
// point-in-time recovery period, and the ranges KMS accepts for a key's
// rotation and pending window.
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

// The ranges KMS accepts for a customer managed key, and the rotation
// period it takes when a key sets none.
const (
	DefaultRotationPeriodDays = 365
	MinRotationPeriodDays     = 90
	MaxRotationPeriodDays     = 2560
	MinPendingWindowDays      = 7
	MaxPendingWindowDays      = 30
)

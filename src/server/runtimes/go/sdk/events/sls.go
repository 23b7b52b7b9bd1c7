package events

// SlsEvent is what a Log Service (SLS) trigger sends for one shard's range
// of new logs.
type SlsEvent struct {
	CursorTime *int       `json:"cursorTime"`
	JobName    *string    `json:"jobName"`
	Parameter  *Parameter `json:"parameter"`
	Source     *Source    `json:"source"`
	TaskID     *string    `json:"taskId"`
}

// Parameter is the trigger's free-form function parameter.
type Parameter interface{}

// Source locates the logs: endpoint, project, logstore, shard and cursors.
type Source struct {
	BeginCursor  *string `json:"beginCursor"`
	EndCursor    *string `json:"endCursor"`
	Endpoint     *string `json:"endpoint"`
	LogstoreName *string `json:"logstoreName"`
	ProjectName  *string `json:"projectName"`
	ShardID      *int    `json:"shardId"`
}

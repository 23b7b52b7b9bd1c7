package events

// TimerEvent is what a timer trigger sends, e.g.
// {"triggerTime":"2023-01-01T00:00:00Z","triggerName":"t1","payload":"..."}.
type TimerEvent struct {
	TriggerTime *string `json:"triggerTime"`
	TriggerName *string `json:"triggerName"`
	Payload     *string `json:"payload"`
}

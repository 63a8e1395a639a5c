// Oracle for the data sinks' payloads: reads core/v1 Events as JSON lines on stdin and writes, per event,
// Go's encoding/json of the decoded Event (compact and indented as kube-eventer's kafka/influxdb sinks do)
// and of the elasticsearch sink's document struct (Go field names, no json tags).
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type esDocument struct {
	Count                    int32
	Metadata                 metav1.ObjectMeta
	InvolvedObject           v1.ObjectReference
	Source                   v1.EventSource
	FirstOccurrenceTimestamp time.Time
	LastOccurrenceTimestamp  time.Time
	Message                  string
	Reason                   string
	Type                     string
	EventTags                map[string]string
}

type result struct {
	Compact string `json:"compact"`
	Indent  string `json:"indent"`
	ES      string `json:"es"`
}

func lastTimestamp(e *v1.Event) time.Time {
	if !e.LastTimestamp.IsZero() {
		return e.LastTimestamp.Time
	}
	return e.EventTime.Time
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var e v1.Event
		if err := json.Unmarshal(in.Bytes(), &e); err != nil {
			panic(err)
		}
		compact, _ := json.Marshal(&e)
		indent, _ := json.MarshalIndent(&e, "", " ")
		tags := map[string]string{"cluster_name": "default", "eventID": string(e.UID), "hostname": e.Source.Host}
		if e.InvolvedObject.Kind == "Pod" {
			tags["pod_id"] = string(e.InvolvedObject.UID)
			tags["pod_name"] = e.InvolvedObject.Name
		}
		doc := esDocument{
			Count: e.Count, Metadata: e.ObjectMeta, InvolvedObject: e.InvolvedObject, Source: e.Source,
			FirstOccurrenceTimestamp: e.FirstTimestamp.Time.UTC(), LastOccurrenceTimestamp: lastTimestamp(&e).UTC(),
			Message: e.Message, Reason: e.Reason, Type: e.Type, EventTags: tags,
		}
		es, _ := json.Marshal(doc)
		if err := enc.Encode(result{string(compact), string(indent), string(es)}); err != nil {
			panic(err)
		}
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}

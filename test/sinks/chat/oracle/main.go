// Oracle for the chat encoders' byte-exact tests: renders kube-eventer's DingTalk and WeChat
// message bodies (as described in the behavioural reference, with the label fixes we made) using
// Go's own fmt, time and encoding/json. Reads one JSON case per line on stdin, writes one body per line.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

type event struct {
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	InvolvedObject struct {
		Kind string `json:"kind"`
	} `json:"involvedObject"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
	Type    string `json:"type"`
	Source  struct {
		Host string `json:"host"`
	} `json:"source"`
	LastTimestamp string `json:"lastTimestamp"`
	EventTime     string `json:"eventTime"`
}

type testCase struct {
	Kind      string   `json:"kind"` // dingtalk-text, dingtalk-markdown, wechat
	Event     event    `json:"event"`
	Labels    []string `json:"labels"`
	ClusterID string   `json:"clusterId"`
	Region    string   `json:"region"`
	Users     string   `json:"users"`
	AgentID   int      `json:"agentId"`
}

type dingTalkBody struct {
	MsgType  string `json:"msgtype"`
	Text     struct {
		Content string `json:"content"`
	} `json:"text"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
}

type weChatBody struct {
	ToUser  string `json:"touser"`
	ToParty string `json:"toparty"`
	ToTag   string `json:"totag"`
	MsgType string `json:"msgtype"`
	AgentID int    `json:"agentid"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	Safe int `json:"safe"`
}

const textFormat = "Level:%s \nKind:%s \nNamespace:%s \nName:%s \nReason:%s \nTimestamp:%s \nMessage:%s"

func lastTS(e event) time.Time {
	for _, s := range []string{e.LastTimestamp, e.EventTime} {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil && !t.IsZero() {
			return t.Local()
		}
	}
	panic("the oracle needs lastTimestamp or eventTime")
}

func labelLines(labels []string) string {
	var b strings.Builder
	for _, l := range labels {
		b.WriteString(l + "\n")
	}
	return b.String()
}

func text(c testCase, ts string) string {
	e := c.Event
	return labelLines(c.Labels) + fmt.Sprintf(textFormat, e.Type, e.InvolvedObject.Kind, e.Metadata.Namespace, e.Metadata.Name, e.Reason, ts, e.Message)
}

func markdown(c testCase) (string, string) {
	e := c.Event
	const console = "https://cs.console.aliyun.com/#/k8s"
	name, ns := e.Metadata.Name, e.Metadata.Namespace
	base := strings.Split(name, ".")[0]
	link := name
	switch e.InvolvedObject.Kind {
	case "Deployment", "StatefulSet", "DaemonSet":
		link = fmt.Sprintf("[%s](%s/%s/detail/%s/%s/%s/%s/pods)", name, console, strings.ToLower(e.InvolvedObject.Kind), c.Region, c.ClusterID, ns, base)
	case "Pod":
		link = fmt.Sprintf("[%s](%s/pod/%s/%s/%s/container)", name, console, c.ClusterID, ns, base)
	case "CronJob":
		link = fmt.Sprintf("[%s](%s/cronjob/detail/%s/%s/%s/%s/jobs)", name, console, c.Region, c.ClusterID, ns, base)
	case "Service":
		link = fmt.Sprintf("[%s](%s/service/detail/%s/%s/%s/%s)", name, console, c.Region, c.ClusterID, ns, base)
	}
	t := fmt.Sprintf("Level: **%s** \n\nKind: **%s** \n\nNamespace: [%s](https://cs.console.aliyun.com/#/k8s/namespace) \n\nName: %s \n\nReason: **%s** \n\nTimestamp: **%s** \n\nMessage: **%s**",
		e.Type, e.InvolvedObject.Kind, ns, link, e.Reason, lastTS(e).String(), e.Message)
	if h := e.Source.Host; h != "" {
		if parts := strings.Split(h, "."); len(parts) > 1 {
			t = fmt.Sprintf("Node: [%s](https://ecs.console.aliyun.com/#/server/%s/detail?regionId=%s) \n\n", h, parts[1], parts[0]) + t
		} else {
			t = fmt.Sprintf("Node: **%s** \n\n", h) + t
		}
	}
	var labels strings.Builder
	for i, l := range c.Labels {
		if strings.TrimSpace(l) != "" {
			fmt.Fprintf(&labels, "label[%d]: **%s**\n\n", i, l)
		}
	}
	return fmt.Sprintf("Kubernetes(ID:%s) Event", c.ClusterID), labels.String() + t
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var c testCase
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			panic(err)
		}
		var body any
		switch c.Kind {
		case "dingtalk-text":
			b := dingTalkBody{MsgType: "text"}
			b.Text.Content = text(c, lastTS(c.Event).Format("2006-01-02 15:04:05"))
			body = b
		case "dingtalk-markdown":
			b := dingTalkBody{MsgType: "markdown"}
			b.Markdown.Title, b.Markdown.Text = markdown(c)
			body = b
		case "wechat":
			b := weChatBody{ToUser: c.Users, MsgType: "text", AgentID: c.AgentID}
			b.Text.Content = text(c, lastTS(c.Event).String())
			body = b
		default:
			panic("unknown case kind " + c.Kind)
		}
		data, err := json.Marshal(body)
		if err != nil {
			panic(err)
		}
		out.Write(append(data, '\n'))
	}
}

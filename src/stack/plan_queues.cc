// Queues of the file: created with the attributes and tags it gives; attributes and tags it
// gives that differ on the server are set; those the record lists and the file no longer does
// go. A dead-letter queue's ARN is looked up when the step runs (it may be made just before).

#include "stack/planner.h"

namespace spool::stack {
namespace {

namespace json = boost::json;

json::object Attributes(const Remote& remote, const std::string& url) {
  Result r =
      remote.Sqs("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", json::array{"All"}}});
  const json::value* a = r.ok() ? r.json.if_contains("Attributes") : nullptr;
  return a != nullptr && a->is_object() ? a->get_object() : json::object{};
}

std::string RedrivePolicy(const std::string& dlq_arn, int64_t max_receive_count) {
  return json::serialize(
      json::object{{"deadLetterTargetArn", dlq_arn}, {"maxReceiveCount", max_receive_count}});
}

// The desired attributes, with the dead-letter queue's ARN as it is now ("" if it does not
// exist yet).
std::map<std::string, std::string> Wanted(const Remote& remote, const QueueSpec& q) {
  auto attributes = q.attributes;
  if (q.dead_letter_queue) {
    attributes["RedrivePolicy"] =
        RedrivePolicy(remote.QueueArn(*q.dead_letter_queue), q.max_receive_count);
  }
  return attributes;
}

// "orders-dlq after 3" of a RedrivePolicy's JSON ("" when there is none).
std::string DescribeRedrive(const std::string& policy) {
  boost::system::error_code ec;
  json::value v = json::parse(policy, ec);
  if (ec || !v.is_object()) return "";
  std::string arn = Text(v.get_object(), "deadLetterTargetArn");
  auto count = Integer(v.get_object(), "maxReceiveCount");
  if (!count) {  // SQS may answer it as a string
    std::string text = Text(v.get_object(), "maxReceiveCount");
    return arn.substr(arn.rfind(':') + 1) + " after " + text;
  }
  return arn.substr(arn.rfind(':') + 1) + " after " + std::to_string(*count);
}

}  // namespace

void Planner::PlanQueues() {
  if (spec != nullptr) {
    for (const QueueSpec& q : spec->queues) {
      next.queues.push_back(q.name);
      std::string url = remote->QueueUrl(q.name);
      if (url.empty()) {
        Step step{'+', "queue " + q.name, "", nullptr, nullptr};
        if (q.dead_letter_queue) {
          step.detail = "dead letters to " + *q.dead_letter_queue + " after " +
                        std::to_string(q.max_receive_count) + " receives";
        }
        step.run = [this, q]() -> std::string {
          json::object attributes;
          for (const auto& [k, v] : Wanted(*remote, q)) attributes[k] = v;
          json::object body{{"QueueName", q.name}, {"Attributes", std::move(attributes)}};
          if (!q.tags.empty()) {
            json::object tags;
            for (const auto& [k, v] : q.tags) tags[k] = v;
            body["tags"] = std::move(tags);
          }
          Result r = remote->Sqs("CreateQueue", body);
          return r.ok() ? "" : r.Describe();
        };
        step.undo = [this, name = q.name] {
          if (std::string u = remote->QueueUrl(name); !u.empty()) {
            remote->Sqs("DeleteQueue", {{"QueueUrl", u}});
          }
        };
        changes.push_back(std::move(step));
        continue;
      }
      if (!MayChange(old.queues, "queue", q.name)) continue;
      json::object live = Attributes(*remote, url);
      std::map<std::string, std::string> set, restore;
      std::string detail;
      for (const auto& [k, v] : Wanted(*remote, q)) {
        std::string now = Text(live, k);
        bool same = k == "RedrivePolicy" || k == "RedriveAllowPolicy"
                        ? !now.empty() && SameJson(now, v) && !v.empty()
                        : now == v;
        if (k == "RedrivePolicy" && q.dead_letter_queue &&
            remote->QueueArn(*q.dead_letter_queue).empty()) {
          same = false;  // its dead-letter queue is made by this plan
        }
        if (same) continue;
        if (k == "FifoQueue") {
          Problem("queue " + q.name + ": FifoQueue cannot change (delete the queue first)");
          continue;
        }
        set[k] = v;
        restore[k] = now;
        if (k == "RedrivePolicy") {
          detail += (detail.empty() ? "" : ", ") +
                    Arrow("dead letters to", DescribeRedrive(now),
                          *q.dead_letter_queue + " after " + std::to_string(q.max_receive_count));
        } else {
          detail += (detail.empty() ? "" : ", ") + Arrow(k, now, v);
        }
      }
      std::map<std::string, std::string> tags_to_set;
      if (!q.tags.empty()) {
        Result r = remote->Sqs("ListQueueTags", {{"QueueUrl", url}});
        const json::value* tags = r.ok() ? r.json.if_contains("Tags") : nullptr;
        json::object live_tags =
            tags != nullptr && tags->is_object() ? tags->get_object() : json::object{};
        for (const auto& [k, v] : q.tags) {
          if (Text(live_tags, k) != v) {
            tags_to_set[k] = v;
            detail += (detail.empty() ? "" : ", ") + Arrow("tag " + k, Text(live_tags, k), v);
          }
        }
      }
      if (set.empty() && tags_to_set.empty()) continue;
      Step step{'~', "queue " + q.name, detail, nullptr, nullptr};
      step.run = [this, q, url, set, tags_to_set]() -> std::string {
        if (!set.empty()) {
          json::object attributes;
          for (const auto& [k, v] : Wanted(*remote, q)) {
            if (set.contains(k)) attributes[k] = v;
          }
          Result r = remote->Sqs("SetQueueAttributes",
                                 {{"QueueUrl", url}, {"Attributes", std::move(attributes)}});
          if (!r.ok()) return r.Describe();
        }
        if (!tags_to_set.empty()) {
          json::object tags;
          for (const auto& [k, v] : tags_to_set) tags[k] = v;
          Result r = remote->Sqs("TagQueue", {{"QueueUrl", url}, {"Tags", std::move(tags)}});
          if (!r.ok()) return r.Describe();
        }
        return "";
      };
      step.undo = [this, url, restore] {
        json::object attributes;
        for (const auto& [k, v] : restore) attributes[k] = v;
        remote->Sqs("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", attributes}});
      };
      changes.push_back(std::move(step));
    }
  }
  // Queues that go: those that use another as their dead-letter queue first.
  std::vector<std::string> gone;
  for (const std::string& name : old.queues) {
    bool kept = false;
    for (const auto& n : next.queues) kept = kept || n == name;
    if (!kept) gone.push_back(name);
  }
  for (auto it = gone.rbegin(); it != gone.rend(); ++it) {
    std::string name = *it;
    deletes.push_back({'-', "queue " + name, "",
                       [this, name]() -> std::string {
                         std::string url = remote->QueueUrl(name);
                         if (url.empty()) return "";
                         Result r = remote->Sqs("DeleteQueue", {{"QueueUrl", url}});
                         return r.ok() ? "" : r.Describe();
                       },
                       nullptr});
  }
}

}  // namespace spool::stack

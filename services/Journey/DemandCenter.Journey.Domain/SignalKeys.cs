namespace DemandCenter.Journey.Domain;

/// <summary>
/// The evidence keys of a signal, which the playbook maps to buying jobs and rules trigger on:
/// page:{category}, content:{category}, form:{formKind}, chat:{intent} (one per intent), email:{opened|clicked|bounced|unsubscribed},
/// email:replied:{replyKind}, meeting:{mode}, crm:account_updated; and group:new_member when the signal's person is new to a
/// buying group that has members (others a signal names join by <see cref="BuyingGroupMemberJoined"/>, whose evidence is that key's).
/// </summary>
public static class SignalKeys
{
    public const string NewMember = "group:new_member";
    public const string Any = "*";
    public const string Tick = "tick";

    /// <summary>The keys, each a <see cref="Vocabulary"/> instance (the state keeps them with the signal).</summary>
    public static IReadOnlyList<string> Of(RecordSignal s) => s.Type switch
    {
        "web.page.viewed" => [Vocabulary.Of("page:", s.Category ?? "other")],
        "web.content.downloaded" => [Vocabulary.Of("content:", s.Category ?? "other")],
        "web.form.submitted" => [Vocabulary.Of("form:", s.FormKind ?? "other")],
        "chat.message.posted" or "chat.conversation.ended" => s.Intents is { Count: > 0 } intents
            ? [.. intents.Distinct(StringComparer.Ordinal).Select(i => Vocabulary.Of("chat:", i))]
            : ["chat:other"],
        "email.replied" => [Vocabulary.Of("email:replied:", s.ReplyKind ?? "neutral")],
        "meeting.held" => [Vocabulary.Of("meeting:", s.MeetingMode ?? "virtual")],
        "crm.account.updated" => ["crm:account_updated"],
        _ when s.Type.StartsWith("email.", StringComparison.Ordinal) => [Vocabulary.Of("email:", s.Type.AsSpan("email.".Length))],
        _ => [Vocabulary.Of(s.Type)],
    };
}

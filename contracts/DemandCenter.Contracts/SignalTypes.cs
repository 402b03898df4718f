namespace DemandCenter.Contracts;

/// <summary>The CloudEvents types of CONTRACTS.md and the topic each belongs on.</summary>
public static class SignalTypes
{
    public const string PageViewed = "web.page.viewed";
    public const string FormSubmitted = "web.form.submitted";
    public const string ContentDownloaded = "web.content.downloaded";
    public const string ChatMessagePosted = "chat.message.posted";
    public const string ChatConversationEnded = "chat.conversation.ended";
    public const string EmailOpened = "email.opened";
    public const string EmailClicked = "email.clicked";
    public const string EmailReplied = "email.replied";
    public const string EmailBounced = "email.bounced";
    public const string EmailUnsubscribed = "email.unsubscribed";
    public const string MeetingHeld = "meeting.held";
    public const string CrmAccountUpdated = "crm.account.updated";

    public static readonly IReadOnlyDictionary<string, string> TopicOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PageViewed] = Topics.SignalsWeb,
        [FormSubmitted] = Topics.SignalsWeb,
        [ContentDownloaded] = Topics.SignalsWeb,
        [ChatMessagePosted] = Topics.SignalsChat,
        [ChatConversationEnded] = Topics.SignalsChat,
        [EmailOpened] = Topics.SignalsEmail,
        [EmailClicked] = Topics.SignalsEmail,
        [EmailReplied] = Topics.SignalsEmail,
        [EmailBounced] = Topics.SignalsEmail,
        [EmailUnsubscribed] = Topics.SignalsEmail,
        [MeetingHeld] = Topics.SignalsMeetings,
        [CrmAccountUpdated] = Topics.Crm,
    };

    /// <summary>The channel a type reports on (web, chat, email, meeting, crm).</summary>
    public static string ChannelOf(string type) => type[..type.IndexOf('.', StringComparison.Ordinal)] switch
    {
        "meeting" => "meeting",
        var prefix => prefix,
    };
}

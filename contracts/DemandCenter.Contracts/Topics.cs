namespace DemandCenter.Contracts;

/// <summary>Topic names. The inbound and dead-letter topics are public contracts; the rest are internal hops.</summary>
public static class Topics
{
    public const string SignalsWeb = "demand.signals.web";
    public const string SignalsChat = "demand.signals.chat";
    public const string SignalsEmail = "demand.signals.email";
    public const string SignalsMeetings = "demand.signals.meetings";
    public const string Crm = "demand.crm";
    public const string DeadLetter = "demand.signals.deadletter";

    /// <summary>Ingestion -> Journey: validated, identity-resolved signals keyed by account id.</summary>
    public const string JourneySignals = "demand.journey.signals";

    /// <summary>Journey outbox -> Hub instances: prompts keyed by account id (Kafka is the SignalR backplane).</summary>
    public const string Prompts = "demand.prompts";

    /// <summary>Hub -> Journey: seller and orchestrator actions (and the Journey's own clock), keyed by account id.</summary>
    public const string JourneyCommands = "demand.journey.commands";

    /// <summary>Journey outbox -> Hub instances: board cards keyed by account id.</summary>
    public const string Board = "demand.board";

    public static readonly IReadOnlyList<string> Inbound = [SignalsWeb, SignalsChat, SignalsEmail, SignalsMeetings, Crm];

    public static readonly IReadOnlyList<string> All = [.. Inbound, DeadLetter, JourneySignals, Prompts, JourneyCommands, Board];
}

/// <summary>Headers this product sets on Kafka messages.</summary>
public static class MessageHeaders
{
    public const string TraceParent = "traceparent";
    public const string DeadLetterReason = "dc-deadletter-reason";
    public const string SourceTopic = "dc-source-topic";
    public const string SourcePartition = "dc-source-partition";
    public const string SourceOffset = "dc-source-offset";
    public const string ContentType = "content-type";
    public const string CloudEventsContentType = "application/cloudevents+json";

    /// <summary>On demand.prompts: prompt.raised (a <see cref="PromptMessage"/>) or prompt.updated (a <see cref="PromptUpdate"/>).</summary>
    public const string MessageType = "dc-type";

    public const string PromptRaisedType = "prompt.raised";
    public const string PromptUpdatedType = "prompt.updated";

    /// <summary>
    /// On demand.board: a card published in answer to a refused command that names no prompt (such as a
    /// reassign_account), with the command's id and <see cref="Rejected"/>, the reason. The card itself is the account's
    /// current one.
    /// </summary>
    public const string CommandId = "dc-command-id";

    public const string Rejected = "dc-rejected";
}

using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain.Validation;
using FluentValidation;
using FluentValidation.Results;

namespace DemandCenter.Ingestion.Domain;

/// <summary>A message as it arrived: raw bytes plus transport headers (Kafka headers or HTTP), whatever the channel.</summary>
public sealed record InboundMessage(ReadOnlyMemory<byte> Value, IReadOnlyDictionary<string, string> Headers, string? Topic);

public abstract record IntakeResult;

/// <summary>
/// A valid event. <see cref="Signal"/> is attributed as far as the event itself allows (its accountDomain or business
/// email); its AccountId is empty when only the identity store can tell (an anonymous visitor, a free-mail address).
/// </summary>
public sealed record Accepted(CloudEvent Event, SignalData Data, JourneySignal Signal) : IntakeResult
{
    public bool Attributed => Signal.AccountId.Length > 0;
}

/// <summary>Why a message was refused: a short code for dashboards and the field-level errors a publisher can fix.</summary>
public sealed record Rejected(string Code, IReadOnlyList<FieldError> Errors) : IntakeResult
{
    public string Reason => Code + ": " + string.Join("; ", Errors.Select(e => e.Message));
}

public sealed record FieldError(string Field, string Message);

/// <summary>
/// Turns an inbound message into a journey signal or a precise rejection: size and JSON limits, CloudEvents
/// structured or binary mode, envelope and per-type validation, page category, attribution from the event itself.
/// Pure: no I/O, time from the TimeProvider.
/// </summary>
public sealed class SignalIntake
{
    private readonly IngestionLimits _limits;
    private readonly TimeProvider _time;
    private readonly IdentityResolver _identity;
    private readonly PageCategoryRules _categories;
    private readonly CloudEventValidator _envelope;
    private readonly JsonSerializerOptions _json;
    private readonly Dictionary<string, Func<JsonElement, (SignalData?, ValidationResult?)>> _payloads;

    public SignalIntake(IngestionLimits limits, TimeProvider time, IdentityResolver identity, PageCategoryRules categories)
    {
        _limits = limits;
        _time = time;
        _identity = identity;
        _categories = categories;
        _envelope = new CloudEventValidator(limits, time);
        _json = new JsonSerializerOptions(ContractJson.Options) { MaxDepth = limits.MaxJsonDepth };
        _payloads = new(StringComparer.Ordinal)
        {
            [SignalTypes.PageViewed] = Payload(new PageViewedValidator(limits)),
            [SignalTypes.FormSubmitted] = Payload(new FormSubmittedValidator(limits)),
            [SignalTypes.ContentDownloaded] = Payload(new ContentDownloadedValidator(limits)),
            [SignalTypes.ChatMessagePosted] = Payload(new ChatMessagePostedValidator(limits)),
            [SignalTypes.ChatConversationEnded] = Payload(new ChatConversationEndedValidator(limits)),
            [SignalTypes.EmailOpened] = Payload(new EmailValidator(limits)),
            [SignalTypes.EmailClicked] = Payload(new EmailValidator(limits)),
            [SignalTypes.EmailReplied] = Payload(new EmailValidator(limits)),
            [SignalTypes.EmailBounced] = Payload(new EmailValidator(limits)),
            [SignalTypes.EmailUnsubscribed] = Payload(new EmailValidator(limits)),
            [SignalTypes.MeetingHeld] = Payload(new MeetingHeldValidator(limits)),
            [SignalTypes.CrmAccountUpdated] = Payload(new CrmAccountUpdatedValidator(limits)),
        };
    }

    public IntakeResult Evaluate(InboundMessage message)
    {
        if (message.Value.Length > _limits.MaxMessageBytes)
        {
            return Reject("message.too_large", "message", $"The message is {message.Value.Length} bytes; the limit is {_limits.MaxMessageBytes}.");
        }

        if (!System.Text.Unicode.Utf8.IsValid(message.Value.Span))
        {
            return Reject("json.invalid", "message", "The message is not valid UTF-8.");
        }

        CloudEvent? ce;
        try
        {
            ce = message.Headers.ContainsKey("ce_specversion") ? FromBinary(message) : JsonSerializer.Deserialize<CloudEvent>(message.Value.Span, _json);
        }
        catch (JsonException ex)
        {
            return Reject("json.invalid", ex.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "message", "The message is not valid JSON for a CloudEvent: " + ex.Message);
        }
        if (ce is null)
        {
            return Reject("json.invalid", "message", "The message is JSON null, not a CloudEvent.");
        }

        var envelope = _envelope.Validate(ce);
        if (!envelope.IsValid)
        {
            return Rejected("envelope.invalid", envelope);
        }

        var type = ce.Type!;
        if (message.Topic is not null && SignalTypes.TopicOf[type] != message.Topic)
        {
            return Reject("topic.mismatch", "type", $"'{type}' events belong on {SignalTypes.TopicOf[type]}, not {message.Topic}.");
        }

        var (data, result) = _payloads[type](ce.Data!.Value);
        if (result is { IsValid: false })
        {
            return Rejected("data.invalid", result);
        }

        var identity = _identity.Resolve(data!);

        var page = data as PageViewedData;
        var url = page?.Url ?? (data as EmailData)?.Url;
        var signal = new JourneySignal(
            SignalIds.For(ce.Source!, ce.Id!),
            ce.Source!,
            ce.Id!,
            type,
            SignalTypes.ChannelOf(type),
            ce.Time ?? _time.GetUtcNow(),
            identity.AccountId ?? "",
            identity.ContactId,
            identity.AnonymousId,
            url,
            page is null ? (data as ContentDownloadedData)?.Category : page.Category ?? _categories.Categorize(page.Url!),
            page?.Title ?? (data as ContentDownloadedData)?.Title) { Detail = SignalDetails.Of(data!) };
        return new Accepted(ce, data!, signal);
    }

    private Func<JsonElement, (SignalData?, ValidationResult?)> Payload<T>(IValidator<T> validator)
        where T : SignalData =>
        element =>
        {
            T? data;
            try
            {
                data = element.Deserialize<T>(_json);
            }
            catch (JsonException ex)
            {
                var field = "data" + (ex.Path is { Length: > 1 } p ? p.TrimStart('$') : "");
                return (null, new ValidationResult([new ValidationFailure(field, $"'{field}' has the wrong type: {ex.Message}")]));
            }

            return data is null
                ? (null, new ValidationResult([new ValidationFailure("data", "'data' must be a JSON object.")]))
                : (data, validator.Validate(data));
        };

    private CloudEvent FromBinary(InboundMessage message)
    {
        string? H(string name) => message.Headers.TryGetValue("ce_" + name, out var v) ? v : null;
        var data = JsonSerializer.Deserialize<JsonElement>(message.Value.Span, _json);
        return new CloudEvent
        {
            SpecVersion = H("specversion"),
            Id = H("id"),
            Source = H("source"),
            Type = H("type"),
            Time = H("time") is { } time
                ? DateTimeOffset.TryParse(time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
                    ? t
                    : throw new JsonException("The ce_time header is not an RFC 3339 time.", "$.time", null, null)
                : null,
            Subject = H("subject"),
            DataContentType = message.Headers.TryGetValue("content-type", out var ct) ? ct : null,
            Data = data,
        };
    }

    private static Rejected Reject(string code, string field, string message) => new(code, [new FieldError(field, message)]);

    private static Rejected Rejected(string code, ValidationResult result) =>
        new(code, result.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage)).ToList());
}

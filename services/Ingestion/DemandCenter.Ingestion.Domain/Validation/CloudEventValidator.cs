using DemandCenter.Contracts;
using FluentValidation;

namespace DemandCenter.Ingestion.Domain.Validation;

/// <summary>Envelope rules shared by every type: CloudEvents 1.0, a known type, sane ids and a plausible time.</summary>
public sealed class CloudEventValidator : AbstractValidator<CloudEvent>
{
    public CloudEventValidator(IngestionLimits limits, TimeProvider time)
    {
        RuleFor(e => e.SpecVersion).NotEmpty().Equal("1.0").OverridePropertyName("specversion")
            .WithMessage("'specversion' must be \"1.0\".");
        RuleFor(e => e.Id).NotEmpty().MaximumLength(limits.MaxIdLength).OverridePropertyName("id");
        RuleFor(e => e.Source).NotEmpty().MaximumLength(limits.MaxUrlLength).OverridePropertyName("source");
        RuleFor(e => e.Type).NotEmpty().OverridePropertyName("type")
            .Must(t => t is null || SignalTypes.TopicOf.ContainsKey(t))
            .WithMessage(e => $"'type' \"{Truncate(e.Type)}\" is not a known event type.");
        RuleFor(e => e.Time)
            .Must(t => t is null || t <= time.GetUtcNow() + limits.MaxClockSkew).OverridePropertyName("time")
            .WithMessage("'time' is in the future.")
            .Must(t => t is null || t >= time.GetUtcNow() - limits.MaxAge)
            .WithMessage($"'time' is older than {limits.MaxAge.TotalDays} days.");
        RuleFor(e => e.Data).NotNull().OverridePropertyName("data")
            .Must(d => d is null || d.Value.ValueKind == System.Text.Json.JsonValueKind.Object)
            .WithMessage("'data' must be a JSON object.");
    }

    private static string? Truncate(string? s) => s is { Length: > 64 } ? s[..64] + "…" : s;
}

using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Domain;

/// <summary>
/// An account's journey as its events leave it. Immutable; changed only by <see cref="JourneyDecider.Evolve"/>.
/// Kept compact (it is the hot state held in memory per account): decayed levels are stored with the time they
/// were last brought forward, activity as a 35-day ring of daily counts and a 168-hour histogram.
/// </summary>
public sealed record AccountJourney(
    string AccountId,
    long Version,
    int SignalCount,
    DateTimeOffset? LastSignalAt,
    ImmutableArray<JobState> Jobs,
    string? FocusJob,
    DateTimeOffset? FocusSince,
    string? PreviousFocusJob,
    string? FurthestJob,
    DateTimeOffset? LastProgressAt,
    ImmutableDictionary<string, Member> BuyingGroup,
    ImmutableDictionary<string, DateTimeOffset> Channels,
    DailyActivity Daily,
    HourHistogram Hours,
    ImmutableArray<RecentSignal> Recent,
    ImmutableDictionary<Guid, PromptState> Prompts,
    ImmutableDictionary<string, DateTimeOffset> LastFired,
    DateTimeOffset? LastInPersonAt,
    DateTimeOffset? WorkingUntil,
    ProfileOverrides Overrides,
    ModelSettings Settings)
{
    /// <summary>How many recent signals are kept for reasons and windows.</summary>
    public const int RecentCapacity = 40;

    public static AccountJourney Empty(string accountId, ModelSettings? settings = null) => new(
        accountId, 0, 0, null,
        [.. BuyingJobs.All.Select(_ => JobState.None)],
        null, null, null, null, null,
        ImmutableDictionary<string, Member>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, DateTimeOffset>.Empty.WithComparers(StringComparer.Ordinal),
        DailyActivity.Empty,
        HourHistogram.Empty,
        [],
        ImmutableDictionary<Guid, PromptState>.Empty,
        ImmutableDictionary<string, DateTimeOffset>.Empty.WithComparers(StringComparer.Ordinal),
        null, null,
        ProfileOverrides.None,
        settings ?? ModelSettings.Default);

    public JobState Job(string job) => Jobs[BuyingJobs.IndexOf(job)];

    /// <summary>Prompts still asking something of a seller (open, accepted or snoozed).</summary>
    /// <remarks>
    /// Most accounts have none, and an empty dictionary's <c>Values</c> still allocates an iterator, for every rule checked.
    /// Computed, so not part of a snapshot (<see cref="ContractJson.Stored"/>; snapshots until 2026-11-23 held it twice).
    /// </remarks>
    public IEnumerable<PromptState> ActivePrompts => Prompts.IsEmpty ? [] : Prompts.Values;
}

/// <summary>
/// Engagement in one buying job: <see cref="Level"/> (half-life of weeks) and <see cref="Momentum"/> (half-life of days)
/// as of <see cref="AsOf"/>, and the undecayed evidence total. Read them at a later time with <see cref="Decay"/>.
/// </summary>
public sealed record JobState(double Level, double Momentum, DateTimeOffset? AsOf, double Evidence, DateTimeOffset? LastEvidenceAt)
{
    public static JobState None { get; } = new(0, 0, null, 0, null);
}

/// <summary>The playbook's model parameters that folding events needs (decay and the furthest-job threshold), carried with the state so Evolve stays a function of state and event.</summary>
public sealed record ModelSettings(EngagementSettings Engagement, double FurthestMinEvidence)
{
    public static ModelSettings Default { get; } = Of(Playbooks.Playbook.Default);

    public static ModelSettings Of(Playbooks.Playbook playbook) => new(playbook.Engagement, playbook.Focus.FurthestMinEvidence);
}

/// <summary>A buying-group member: when they joined and were last active, on which channels (bit set of <see cref="ChannelBits"/>).</summary>
public sealed record Member(DateTimeOffset FirstSeen, DateTimeOffset LastActive, int Channels, int Signals, HourHistogram Hours);

/// <summary>A signal kept for reasons and rule windows (not the whole event).</summary>
public sealed record RecentSignal(Guid SignalId, string Key, string Type, string Channel, DateTimeOffset OccurredAt, string? ContactId, string? Summary);

/// <summary>A prompt that still asks something of a seller. Closed prompts leave the state (the read model keeps them).</summary>
public sealed record PromptState(
    Guid PromptId,
    string RuleId,
    string Action,
    string Role,
    string SellerId,
    string Status,
    DateTimeOffset RaisedAt,
    DateTimeOffset DueBy,
    DateTimeOffset SlaBy,
    DateTimeOffset? SnoozedUntil,
    int Escalations,
    string? ContactId);

/// <summary>What the account's own stream says about its profile (CRM updates, reassignments); the directory fills the rest.</summary>
public sealed record ProfileOverrides(string? Name, string? OwnerSellerId, string? Territory, string? Segment, decimal? AnnualRevenue, string? Tier)
{
    public static ProfileOverrides None { get; } = new(null, null, null, null, null, null);
}

/// <summary>What the directory (CRM import or roster) says about an account; an input to decisions, not part of the stream.</summary>
public sealed record AccountProfile(
    string AccountId,
    string Name,
    string? OwnerSellerId,
    string? Territory = null,
    string? Segment = null,
    string? Tier = null,
    decimal? AnnualRevenue = null)
{
    /// <summary>The stream's own facts win over the directory's.</summary>
    public AccountProfile With(ProfileOverrides o) => o == ProfileOverrides.None ? this : new(
        AccountId, o.Name ?? Name, o.OwnerSellerId ?? OwnerSellerId, o.Territory ?? Territory, o.Segment ?? Segment, o.Tier ?? Tier, o.AnnualRevenue ?? AnnualRevenue);
}

public static class ChannelBits
{
    public static readonly IReadOnlyList<string> All = ["web", "chat", "email", "meeting", "crm"];

    public static int Of(string channel) => All.IndexOfOrdinal(channel) is var i and >= 0 ? 1 << i : 0;

    public static IReadOnlyList<string> Names(int bits) => [.. All.Where((_, i) => (bits & (1 << i)) != 0)];
}

/// <summary>Signals per UTC day over the last 35 days, as a ring keyed by day number (for surge against the account's own baseline).</summary>
public sealed record DailyActivity(int LastDay, ImmutableArray<ushort> Counts)
{
    public const int Days = 35;

    public static DailyActivity Empty { get; } = new(0, [.. new ushort[Days]]);

    public static int DayOf(DateTimeOffset t) => (int)(t.ToUnixTimeSeconds() / 86400);

    public DailyActivity Add(DateTimeOffset at)
    {
        var day = DayOf(at);
        var shifted = Advance(day);
        if (day <= shifted.LastDay - Days)
        {
            return shifted; // older than the window
        }

        var i = ((day % Days) + Days) % Days;
        return shifted with { Counts = shifted.Counts.SetItem(i, (ushort)Math.Min(ushort.MaxValue, shifted.Counts[i] + 1)) };
    }

    /// <summary>Signals on days in (today - to, today - from], counting today as day 0.</summary>
    public int Sum(DateTimeOffset now, int fromDaysAgo, int toDaysAgo)
    {
        var today = DayOf(now);
        var total = 0;
        for (var ago = fromDaysAgo; ago < toDaysAgo && ago < Days; ago++)
        {
            var day = today - ago;
            if (day > LastDay || day <= LastDay - Days)
            {
                continue;
            }

            total += Counts[((day % Days) + Days) % Days];
        }

        return total;
    }

    private DailyActivity Advance(int day)
    {
        if (day <= LastDay)
        {
            return this;
        }

        var builder = Counts.ToBuilder();
        for (var d = Math.Max(LastDay + 1, day - Days + 1); d <= day; d++)
        {
            builder[((d % Days) + Days) % Days] = 0;
        }

        return new DailyActivity(day, builder.MoveToImmutable());
    }
}

/// <summary>Engagement per hour of the week (0 = Monday 00:00 UTC), saturating bytes: where best-time windows come from.</summary>
[JsonConverter(typeof(HourHistogramJson))]
public sealed record HourHistogram(ImmutableArray<byte> Counts)
{
    public const int Hours = 168;

    public static HourHistogram Empty { get; } = new(ImmutableArray<byte>.Empty);

    public static int HourOfWeek(DateTimeOffset utc)
    {
        var t = utc.UtcDateTime;
        var day = ((int)t.DayOfWeek + 6) % 7; // Monday = 0
        return (day * 24) + t.Hour;
    }

    public int Total => Counts.IsDefaultOrEmpty ? 0 : Counts.Sum(c => c);

    public int this[int hour] => Counts.IsDefaultOrEmpty ? 0 : Counts[hour];

    public HourHistogram Add(DateTimeOffset at, int weight = 1)
    {
        var counts = Counts.IsDefaultOrEmpty ? [.. new byte[Hours]] : Counts;
        var h = HourOfWeek(at);
        var count = (byte)Math.Min(byte.MaxValue, counts[h] + weight);
        // A full hour stays full: the same histogram, not a copy (a busy account's busy hours fill up).
        return count == counts[h] && counts == Counts ? this : new HourHistogram(counts.SetItem(h, count));
    }
}

/// <summary>
/// A histogram in a snapshot as the hours that have counts, <c>{"153": 4}</c>. Most of a week's hours are empty, and
/// written whole (168 numbers, each buying-group member carrying one) the histograms were about half of a busy
/// account's snapshot. Reads the whole shape, <c>{"counts": [...], "total": n}</c>, that snapshots were written in
/// until 2026-11-23, as well.
/// </summary>
public sealed class HourHistogramJson : JsonConverter<HourHistogram>
{
    public override HourHistogram Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("An hour histogram is a JSON object.");
        }

        byte[]? counts = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "counts" && reader.TokenType == JsonTokenType.StartArray)
            {
                for (var hour = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; hour++)
                {
                    if (hour < HourHistogram.Hours && reader.GetInt32() is var count and > 0)
                    {
                        counts ??= new byte[HourHistogram.Hours];
                        counts[hour] = Saturated(count);
                    }
                }
            }
            else if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var hour) && hour < HourHistogram.Hours && reader.TokenType == JsonTokenType.Number)
            {
                counts ??= new byte[HourHistogram.Hours];
                counts[hour] = Saturated(reader.GetInt32());
            }
            else
            {
                reader.Skip(); // the whole shape's "total", which the counts give
            }
        }

        return counts is null ? HourHistogram.Empty : new HourHistogram(ImmutableArray.Create(counts));
    }

    public override void Write(Utf8JsonWriter writer, HourHistogram value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        Span<byte> name = stackalloc byte[3];
        for (var hour = 0; !value.Counts.IsDefault && hour < value.Counts.Length; hour++)
        {
            if (value.Counts[hour] > 0 && hour.TryFormat(name, out var length, default, CultureInfo.InvariantCulture))
            {
                writer.WritePropertyName(name[..length]);
                writer.WriteNumberValue(value.Counts[hour]);
            }
        }

        writer.WriteEndObject();
    }

    private static byte Saturated(int count) => (byte)Math.Clamp(count, 0, byte.MaxValue);
}

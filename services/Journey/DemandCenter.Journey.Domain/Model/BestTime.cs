using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Domain.Model;

/// <summary>
/// Best time to contact: the hours of the week in which the contact (else the account) engages and replies, as
/// learned from their signals and from completed prompts that connected; with too little history, business hours in
/// the account's territory. Recommendations carry the next such window, not just "now".
/// </summary>
public static class BestTime
{
    private const int MinContactEvidence = 3;
    private const int MinAccountEvidence = 5;

    public static BestTimeView For(AccountJourney state, string? contactId, AccountProfile profile, Playbook playbook, DateTimeOffset now)
    {
        var zone = Zone(profile.Territory, playbook);
        if (contactId is not null && state.BuyingGroup.TryGetValue(contactId, out var member) && member.Hours.Total >= MinContactEvidence)
        {
            return FromHistogram("contact", member.Hours, zone, now);
        }

        if (state.Hours.Total >= MinAccountEvidence)
        {
            return FromHistogram("account", state.Hours, zone, now);
        }

        // Weekdays 09:00-17:00 in the territory's zone.
        var hours = new HashSet<int>();
        for (var h = 0; h < HourHistogram.Hours; h++)
        {
            var local = TimeZoneInfo.ConvertTime(WeekStart(now).AddHours(h), zone);
            if (local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && local.Hour is >= 9 and < 17)
            {
                hours.Add(h);
            }
        }

        return View("territory", hours, zone, now);
    }

    private static BestTimeView FromHistogram(string basis, HourHistogram histogram, TimeZoneInfo zone, DateTimeOffset now)
    {
        var max = Enumerable.Range(0, HourHistogram.Hours).Max(h => histogram[h]);
        var hours = Enumerable.Range(0, HourHistogram.Hours).Where(h => histogram[h] > 0 && histogram[h] * 2 >= max).ToHashSet();
        return View(basis, hours, zone, now);
    }

    private static BestTimeView View(string basis, HashSet<int> hours, TimeZoneInfo zone, DateTimeOffset now)
    {
        var weekStart = WeekStart(now);
        var labels = hours.Order().Select(h => TimeZoneInfo.ConvertTime(weekStart.AddHours(h), zone))
            .Select(t => $"{t:ddd HH}:00").Take(12).ToList();
        return new BestTimeView(basis, zone.Id, labels, Next(hours, now));
    }

    /// <summary>
    /// The least of a window worth recommending: a run of best hours that has less than this left (a prompt raised at
    /// 07:58 in a best hour ending at 08:00) gives the seller no time to act, so the next run is recommended instead.
    /// </summary>
    public static readonly TimeSpan MinWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The first run of consecutive best hours at or after now (now itself when inside one, unless less than
    /// <see cref="MinWindow"/> of it is left), at most twelve hours long.
    /// </summary>
    public static TimeWindow Next(IReadOnlySet<int> hours, DateTimeOffset now)
    {
        var hourStart = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        // A week and one hour ahead: the same hour next week, when this week's is the only one and nearly over.
        for (var start = hourStart; start <= hourStart.AddHours(HourHistogram.Hours); start = start.AddHours(1))
        {
            if (!hours.Contains(HourHistogram.HourOfWeek(start)))
            {
                continue;
            }

            var end = start.AddHours(1);
            while (hours.Contains(HourHistogram.HourOfWeek(end)) && end - start < TimeSpan.FromHours(12))
            {
                end = end.AddHours(1);
            }

            if (end - now >= MinWindow)
            {
                return new TimeWindow(start < now ? now : start, end);
            }

            start = end.AddHours(-1); // past this run
        }

        return new TimeWindow(now, now.AddHours(1));
    }

    public static TimeZoneInfo Zone(string? territory, Playbook playbook)
    {
        var id = territory is not null && playbook.Territories.TryGetValue(territory, out var z) ? z : playbook.DefaultTimeZone;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    private static DateTimeOffset WeekStart(DateTimeOffset now)
    {
        var day = now.UtcDateTime.Date;
        return new DateTimeOffset(day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), TimeSpan.Zero);
    }
}

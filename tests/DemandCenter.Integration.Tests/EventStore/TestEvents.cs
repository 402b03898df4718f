using DemandCenter.Contracts;
using DemandCenter.EventStore;

namespace DemandCenter.Integration.Tests.EventStore;

public sealed record ThingHappened(string Name, int Amount);

/// <summary>An event with a computed property, as journey events have their ids.</summary>
public sealed record ThingMeasured(string Name, int Amount)
{
    public int Doubled => Amount * 2;
}

public sealed record ContactNoted([property: PersonalData] string Email, [property: PersonalData(nameof(ContactNoted.Email))] string Note, string Account);

/// <summary>What a store test folds streams into: the count and sum of things, and the notes.</summary>
public sealed record Tally(int Count, int Sum, string Notes)
{
    public static Tally Empty { get; } = new(0, 0, "");

    public static Tally Evolve(Tally t, object e) => e switch
    {
        ThingHappened h => t with { Count = t.Count + 1, Sum = t.Sum + h.Amount },
        ContactNoted n => t with { Count = t.Count + 1, Notes = t.Notes + n.Email + ":" + n.Note + ";" },
        _ => t,
    };
}

public static class TestEvents
{
    public static void Register(EventTypes types) => types
        .Register<ThingHappened>("test.thing_happened.v1")
        .Register<ThingMeasured>("test.thing_measured.v1")
        .Register<ContactNoted>("test.contact_noted.v1");

    public static NewEvent Thing(int amount, string name = "x") => new(Guid.NewGuid(), new ThingHappened(name, amount));

    public static List<NewEvent> Things(int count) => Enumerable.Range(1, count).Select(i => Thing(i)).ToList();
}

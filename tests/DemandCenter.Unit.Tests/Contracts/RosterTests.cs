using DemandCenter.Contracts;

namespace DemandCenter.Unit.Tests.Contracts;

/// <summary>Looking people and accounts up in the roster by id.</summary>
public sealed class RosterTests
{
    [Fact]
    public void Given_a_roster_When_accounts_and_people_are_looked_up_by_id_Then_each_is_found_the_first_of_a_repeated_id_wins_and_an_unknown_id_is_none()
    {
        var roster = new RosterOptions();
        roster.People.Add(new RosterPerson { Id = "ana", Name = "Ana" });
        roster.People.Add(new RosterPerson { Id = "bo", Name = "Bo" });
        roster.Accounts.Add(new RosterAccount { AccountId = "acme.com", Name = "Acme", OwnerSellerId = "ana" });
        roster.Accounts.Add(new RosterAccount { AccountId = "acme.com", Name = "Acme again", OwnerSellerId = "bo" });
        roster.Accounts.Add(new RosterAccount { AccountId = "tyrell.com", Name = "Tyrell", OwnerSellerId = "bo" });

        roster.Person("bo")!.Name.ShouldBe("Bo");
        roster.Account("tyrell.com")!.OwnerSellerId.ShouldBe("bo");
        roster.Account("acme.com")!.Name.ShouldBe("Acme");
        roster.Account("ACME.com").ShouldBeNull("ids are compared exactly");
        roster.Person("cal").ShouldBeNull();
    }
}

using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Model;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>Forward echo: next focus job, probability and typical time, from the playbook's prior until data takes over.</summary>
public sealed class ForwardEchoTests
{
    private static readonly Playbook Playbook = Playbook.Default;

    private static TransitionModel Observed(string from, params (string To, int Count, double TotalDays)[] transitions) => TransitionModel.Empty with
    {
        Transitions = new Dictionary<string, IReadOnlyDictionary<string, TransitionStat>>
        {
            [from] = transitions.ToDictionary(t => t.To, t => new TransitionStat(t.Count, t.TotalDays)),
        },
    };

    [Fact]
    public void Given_outcomes_at_the_next_job_but_none_with_three_completions_Then_the_needs_are_the_playbook_ones_alone()
    {
        var model = TransitionModel.Empty with
        {
            Outcomes = new Dictionary<string, IReadOnlyDictionary<string, OutcomeStat>>
            {
                [BuyingJobs.Validation] = new Dictionary<string, OutcomeStat> { ["call"] = new(2, 2) },
            },
        };

        var echo = ForwardEcho.Predict(BuyingJobs.SupplierSelection, model, Playbook).ShouldNotBeNull();

        echo.Needs.ShouldBe(Playbook.ForwardEcho.Needs[BuyingJobs.Validation]);
    }

    [Fact]
    public void Given_no_focus_yet_Then_there_is_no_forecast()
    {
        ForwardEcho.Predict(null, TransitionModel.Empty, Playbook).ShouldBeNull();
    }

    [Fact]
    public void Given_focus_on_supplier_selection_and_no_data_Then_the_prior_predicts_validation_in_ten_days_with_its_needs()
    {
        var echo = ForwardEcho.Predict(BuyingJobs.SupplierSelection, TransitionModel.Empty, Playbook).ShouldNotBeNull();

        echo.NextJob.ShouldBe(BuyingJobs.Validation);
        echo.Probability.ShouldBe(5.0 / 8, 0.006);
        echo.TypicalDays.ShouldBe(10);
        echo.Basis.ShouldBe("prior");
        echo.TransitionsObserved.ShouldBe(0);
        echo.Needs.ShouldBe(["customer references", "an ROI case", "a security review"]);
    }

    [Fact]
    public void Given_a_few_observed_moves_Then_they_already_count_but_the_basis_is_still_the_prior()
    {
        var model = Observed(BuyingJobs.SupplierSelection, (BuyingJobs.RequirementsBuilding, 4, 12));

        var echo = ForwardEcho.Predict(BuyingJobs.SupplierSelection, model, Playbook).ShouldNotBeNull();

        echo.NextJob.ShouldBe(BuyingJobs.RequirementsBuilding);
        echo.Probability.ShouldBe(0.5);
        echo.TypicalDays.ShouldBe(((10 * 2) + 12) / 6.0, 0.05);
        echo.Basis.ShouldBe("prior");
        echo.TransitionsObserved.ShouldBe(4);
    }

    [Fact]
    public void Given_enough_observed_moves_Then_the_data_takes_over_and_the_basis_is_learned()
    {
        var model = Observed(BuyingJobs.SupplierSelection, (BuyingJobs.Validation, 6, 60), (BuyingJobs.ConsensusCreation, 30, 45));

        var echo = ForwardEcho.Predict(BuyingJobs.SupplierSelection, model, Playbook).ShouldNotBeNull();

        echo.NextJob.ShouldBe(BuyingJobs.ConsensusCreation);
        echo.Probability.ShouldBe(31.0 / 44, 0.006);
        echo.TypicalDays.ShouldBe(((10 * 1) + 45) / 31.0, 0.05);
        echo.Basis.ShouldBe("learned");
        echo.TransitionsObserved.ShouldBe(36);
    }

    [Fact]
    public void Given_observed_moves_that_stay_in_the_same_job_Then_they_are_not_a_forecast()
    {
        var model = Observed(BuyingJobs.Validation, (BuyingJobs.Validation, 50, 10));

        ForwardEcho.Predict(BuyingJobs.Validation, model, Playbook).ShouldNotBeNull().NextJob.ShouldBe(BuyingJobs.ConsensusCreation);
    }

    [Fact]
    public void Given_outcomes_at_the_next_job_Then_the_needs_name_what_worked_once_there_are_three_completions()
    {
        var outcomes = new Dictionary<string, IReadOnlyDictionary<string, OutcomeStat>>
        {
            [BuyingJobs.Validation] = new Dictionary<string, OutcomeStat>
            {
                [PromptActions.PricingConsult] = new(4, 3),
                [PromptActions.Call] = new(10, 2),
                [PromptActions.InPersonMeeting] = new(2, 2),
            },
        };

        var echo = ForwardEcho.Predict(BuyingJobs.SupplierSelection, TransitionModel.Empty with { Outcomes = outcomes }, Playbook).ShouldNotBeNull();

        echo.Needs.Last().ShouldBe("what worked there: pricing consult (3 of 4 connected or booked a meeting)");
    }

    [Fact]
    public void Given_a_job_the_prior_says_nothing_about_and_no_data_Then_there_is_no_forecast()
    {
        var playbook = Playbook with { ForwardEcho = Playbook.ForwardEcho with { Prior = new Dictionary<string, IReadOnlyDictionary<string, double>>() } };

        ForwardEcho.Predict(BuyingJobs.Validation, TransitionModel.Empty, playbook).ShouldBeNull();
    }
}

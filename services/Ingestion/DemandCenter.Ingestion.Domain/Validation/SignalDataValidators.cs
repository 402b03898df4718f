using DemandCenter.Contracts;
using FluentValidation;

namespace DemandCenter.Ingestion.Domain.Validation;

/// <summary>Rules every payload shares: at least one identity field, each well formed.</summary>
public abstract class SignalDataValidator<T> : AbstractValidator<T>
    where T : SignalData
{
    protected SignalDataValidator(IngestionLimits limits)
    {
        Limits = limits;
        RuleFor(d => d).Must(d => !string.IsNullOrWhiteSpace(d.AnonymousId) || !string.IsNullOrWhiteSpace(d.Email) || !string.IsNullOrWhiteSpace(d.AccountDomain))
            .OverridePropertyName("data")
            .WithMessage("'data' must carry at least one of anonymousId, email, accountDomain.");
        RuleFor(d => d.AnonymousId).MaximumLength(limits.MaxIdLength).OverridePropertyName("data.anonymousId");
        RuleFor(d => d.Email).MaximumLength(254).EmailAddress().When(d => d.Email is not null).OverridePropertyName("data.email");
        RuleFor(d => d.AccountDomain).MaximumLength(253).Must(Domains.IsValidDomain).When(d => d.AccountDomain is not null)
            .OverridePropertyName("data.accountDomain").WithMessage("'data.accountDomain' must be a domain name such as acme.com.");
    }

    protected IngestionLimits Limits { get; }

    protected static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    protected static bool OneOf(string? value, params string[] allowed) => value is null || allowed.Contains(value, StringComparer.Ordinal);
}

public sealed class PageViewedValidator : SignalDataValidator<PageViewedData>
{
    public PageViewedValidator(IngestionLimits limits) : base(limits)
    {
        RuleFor(d => d.Url).NotEmpty().MaximumLength(limits.MaxUrlLength).Must(IsHttpUrl).OverridePropertyName("data.url")
            .WithMessage("'data.url' must be an absolute http(s) URL.");
        RuleFor(d => d.Category).Must(c => OneOf(c, PageCategories.All)).OverridePropertyName("data.category")
            .WithMessage("'data.category' must be one of " + string.Join(", ", PageCategories.All) + ".");
        RuleFor(d => d.Title).MaximumLength(limits.MaxTextLength).OverridePropertyName("data.title");
        RuleFor(d => d.DurationSeconds).InclusiveBetween(0, 86_400).When(d => d.DurationSeconds is not null).OverridePropertyName("data.durationSeconds");
        RuleFor(d => d.Referrer).MaximumLength(limits.MaxUrlLength).OverridePropertyName("data.referrer");
    }
}

public sealed class FormSubmittedValidator : SignalDataValidator<FormSubmittedData>
{
    public FormSubmittedValidator(IngestionLimits limits) : base(limits)
    {
        RuleFor(d => d.FormKind).NotEmpty().Must(k => OneOf(k, "contact_sales", "demo_request", "trial_signup", "content_download", "newsletter", "other"))
            .OverridePropertyName("data.formKind").WithMessage("'data.formKind' must be one of contact_sales, demo_request, trial_signup, content_download, newsletter, other.");
        RuleFor(d => d.Email).NotEmpty().OverridePropertyName("data.email");
        RuleFor(d => d.FormId).MaximumLength(limits.MaxIdLength).OverridePropertyName("data.formId");
    }
}

public sealed class ContentDownloadedValidator : SignalDataValidator<ContentDownloadedData>
{
    public ContentDownloadedValidator(IngestionLimits limits) : base(limits)
    {
        RuleFor(d => d.AssetId).NotEmpty().MaximumLength(limits.MaxIdLength).OverridePropertyName("data.assetId");
        RuleFor(d => d.Title).MaximumLength(limits.MaxTextLength).OverridePropertyName("data.title");
    }
}

public sealed class ChatMessagePostedValidator : SignalDataValidator<ChatMessagePostedData>
{
    public ChatMessagePostedValidator(IngestionLimits limits) : base(limits)
    {
        RuleFor(d => d.ConversationId).NotEmpty().MaximumLength(limits.MaxIdLength).OverridePropertyName("data.conversationId");
        RuleFor(d => d.Author).NotEmpty().Must(a => OneOf(a, "visitor", "agent", "bot")).OverridePropertyName("data.author")
            .WithMessage("'data.author' must be one of visitor, agent, bot.");
        RuleForEach(d => d.Intents).Must(i => OneOf(i, ChatIntents.All)).OverridePropertyName("data.intents")
            .WithMessage("'data.intents' may hold only " + string.Join(", ", ChatIntents.All) + ".");
        RuleFor(d => d.Text).MaximumLength(limits.MaxTextLength).OverridePropertyName("data.text");
    }
}

public sealed class ChatConversationEndedValidator : SignalDataValidator<ChatConversationEndedData>
{
    public ChatConversationEndedValidator(IngestionLimits limits) : base(limits)
    {
        RuleFor(d => d.ConversationId).NotEmpty().MaximumLength(limits.MaxIdLength).OverridePropertyName("data.conversationId");
        RuleFor(d => d.Outcome).Must(o => OneOf(o, "resolved", "handed_to_sales", "abandoned")).OverridePropertyName("data.outcome")
            .WithMessage("'data.outcome' must be one of resolved, handed_to_sales, abandoned.");
        RuleForEach(d => d.Intents).Must(i => OneOf(i, ChatIntents.All)).OverridePropertyName("data.intents")
            .WithMessage("'data.intents' may hold only " + string.Join(", ", ChatIntents.All) + ".");
    }
}

public sealed class EmailValidator : SignalDataValidator<EmailData>
{
    public EmailValidator(IngestionLimits limits) : base(limits)
    {
        RuleFor(d => d.Email).NotEmpty().OverridePropertyName("data.email");
        RuleFor(d => d.MessageId).NotEmpty().MaximumLength(limits.MaxIdLength).OverridePropertyName("data.messageId");
        RuleFor(d => d.CampaignId).MaximumLength(limits.MaxIdLength).OverridePropertyName("data.campaignId");
        RuleFor(d => d.Url).MaximumLength(limits.MaxUrlLength).OverridePropertyName("data.url");
        RuleFor(d => d.ReplyKind).Must(k => OneOf(k, "positive", "negative", "neutral", "out_of_office")).OverridePropertyName("data.replyKind")
            .WithMessage("'data.replyKind' must be one of positive, negative, neutral, out_of_office.");
    }
}

public sealed class MeetingHeldValidator : SignalDataValidator<MeetingHeldData>
{
    public MeetingHeldValidator(IngestionLimits limits) : base(limits)
    {
        RuleFor(d => d.MeetingId).NotEmpty().MaximumLength(limits.MaxIdLength).OverridePropertyName("data.meetingId");
        RuleFor(d => d.Mode).NotEmpty().Must(m => OneOf(m, "in_person", "virtual")).OverridePropertyName("data.mode")
            .WithMessage("'data.mode' must be in_person or virtual.");
        RuleFor(d => d.SellerId).NotEmpty().MaximumLength(limits.MaxIdLength).OverridePropertyName("data.sellerId");
        RuleForEach(d => d.Attendees).EmailAddress().OverridePropertyName("data.attendees");
        RuleFor(d => d.DurationMinutes).InclusiveBetween(0, 24 * 60).When(d => d.DurationMinutes is not null).OverridePropertyName("data.durationMinutes");
    }
}

public sealed class CrmAccountUpdatedValidator : SignalDataValidator<CrmAccountUpdatedData>
{
    public CrmAccountUpdatedValidator(IngestionLimits limits) : base(limits)
    {
        RuleFor(d => d.AccountDomain).NotEmpty().OverridePropertyName("data.accountDomain");
        RuleFor(d => d.Name).MaximumLength(limits.MaxTextLength).OverridePropertyName("data.name");
        RuleFor(d => d.AnnualRevenue).GreaterThanOrEqualTo(0).When(d => d.AnnualRevenue is not null).OverridePropertyName("data.annualRevenue");
    }
}

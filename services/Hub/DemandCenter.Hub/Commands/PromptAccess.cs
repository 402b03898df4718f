using DemandCenter.Contracts;
using DemandCenter.Journey.Prompts;

namespace DemandCenter.Hub.Commands;

/// <summary>Looking up the prompt an action names, for both hubs.</summary>
public static class PromptAccess
{
    public const string NotYours = "Not your prompt: it does not exist or belongs to someone else.";

    /// <summary>The prompt as it now is, or null when the id is malformed or unknown.</summary>
    public static async Task<PromptMessage?> FindAsync(PromptQueries prompts, string promptId, CancellationToken ct) =>
        Guid.TryParse(promptId, out var id) ? await prompts.GetAsync(id, ct) : null;
}

namespace DemandCenter.Contracts;

/// <summary>Lookups in the short, fixed lists of names (jobs, channels) the model indexes by.</summary>
public static class NameLists
{
    /// <summary>
    /// The name's position, or -1. A loop over the list as it is: these run several times for every signal, and a copy of
    /// the list for each call (to reach <c>List.IndexOf</c>) did too.
    /// </summary>
    public static int IndexOfOrdinal(this IReadOnlyList<string> names, string? name)
    {
        for (var i = 0; name is not null && i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

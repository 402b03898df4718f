using System.Collections.Concurrent;

namespace DemandCenter.Journey.Domain;

/// <summary>
/// One instance of each of the few strings the hot state keeps for every signal (types, channels, evidence keys,
/// summaries). Each signal's JSON brings its own copies, and kept in the state they outlived the batch: a new state
/// that survives a collection is what the collector copies, and these were a tenth of it. Returns an equal string, so
/// deciding stays a function of its inputs. Bounded: past <see cref="Capacity"/> distinct values (free text in a
/// category, say) a value is returned as given.
/// </summary>
public static class Vocabulary
{
    public const int Capacity = 4096;

    private static readonly ConcurrentDictionary<string, string> Known = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KnownBySpan = Known.GetAlternateLookup<ReadOnlySpan<char>>();

    // Counted here: the dictionary's own count takes every lock, and past the capacity every unknown value would ask it.
    private static int _count;

    public static string Of(string value) => Known.TryGetValue(value, out var known) ? known : Add(value);

    /// <summary>The two parts joined, made only when not known yet.</summary>
    public static string Of(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        var length = first.Length + second.Length;
        var joined = length <= 256 ? stackalloc char[length] : new char[length];
        first.CopyTo(joined);
        second.CopyTo(joined[first.Length..]);
        return KnownBySpan.TryGetValue(joined, out var known) ? known : Add(new string(joined));
    }

    private static string Add(string value)
    {
        if (Volatile.Read(ref _count) >= Capacity)
        {
            return value;
        }

        var known = Known.GetOrAdd(value, value);
        if (ReferenceEquals(known, value))
        {
            Interlocked.Increment(ref _count);
        }

        return known;
    }
}

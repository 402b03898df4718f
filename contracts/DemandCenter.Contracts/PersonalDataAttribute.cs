namespace DemandCenter.Contracts;

/// <summary>
/// Marks a property holding personal data (an email address, a sentence naming a person). The event store
/// encrypts it with a key per data subject, so erasing the subject's key makes every copy unreadable while the
/// streams stay intact. <see cref="Subject"/> names the property whose value identifies the subject (default: the
/// property itself).
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class PersonalDataAttribute(string? subject = null) : Attribute
{
    public string? Subject { get; } = subject;
}

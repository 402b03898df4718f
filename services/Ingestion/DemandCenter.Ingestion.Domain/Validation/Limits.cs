namespace DemandCenter.Ingestion.Domain.Validation;

/// <summary>Bounds on what a publisher may send; anything beyond them is dead-lettered with the limit named.</summary>
public sealed record IngestionLimits
{
    public int MaxMessageBytes { get; init; } = 64 * 1024;
    public int MaxJsonDepth { get; init; } = 16;
    public int MaxIdLength { get; init; } = 256;
    public int MaxUrlLength { get; init; } = 2048;
    public int MaxTextLength { get; init; } = 4000;
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(30);
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    public static IngestionLimits Default { get; } = new();
}

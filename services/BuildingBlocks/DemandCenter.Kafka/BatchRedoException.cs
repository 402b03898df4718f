namespace DemandCenter.Kafka;

/// <summary>
/// Thrown by a batch handler for a batch that must be done again for a reason the handler has already dealt with (not a
/// fault): the consumer logs it as a warning and redoes the batch, and every one after it, as after any failure.
/// </summary>
public sealed class BatchRedoException(string message, Exception inner) : Exception(message, inner);

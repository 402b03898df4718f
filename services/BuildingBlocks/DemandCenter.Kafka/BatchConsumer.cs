using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Kafka;

/// <summary>
/// A consume loop that hands batches to <see cref="HandleBatchAsync"/> and commits a batch's offsets only after the
/// handler has made it durable. A handler may let the next batch start while one is still becoming durable
/// (<see cref="MaxBatchesInFlight"/>); offsets are still committed strictly in batch order. A handler failure
/// (a database outage, say) rewinds to the first offsets not yet durable and retries with back-off, so nothing is
/// lost and the process stays up. On revocation the batches in flight and the pending one are finished first, so a
/// rebalance never strands half-processed work.
/// </summary>
public abstract class BatchConsumer(KafkaClients clients, ILogger logger) : BackgroundService
{
    private readonly List<ConsumeResult<string, byte[]>> _pending = [];
    private readonly Queue<InFlight> _inFlight = new();
    private CancellationToken _stopping;

    protected abstract string GroupId { get; }

    protected abstract IReadOnlyCollection<string> Topics { get; }

    protected virtual AutoOffsetReset OffsetReset => AutoOffsetReset.Earliest;

    protected virtual int MaxBatchSize => 500;

    /// <summary>False when the handler stores offsets itself (with the data it wrote) or needs none.</summary>
    protected virtual bool CommitToKafka => true;

    /// <summary>
    /// True: no consumer group; every partition of <see cref="Topics"/> is assigned at its end (a live tail that
    /// each instance reads in full, as a backplane needs). No group join, so it is reading within milliseconds.
    /// </summary>
    protected virtual bool TailAllPartitions => false;

    /// <summary>Set once the consumer holds partitions; readiness checks look at it.</summary>
    public bool IsAssigned { get; private set; }

    /// <summary>Process a batch; return only once its effects are durable. Throw to have it retried.</summary>
    protected abstract Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct);

    /// <summary>
    /// Batches started but not yet durable, at most. Above 1 the handler overrides <see cref="StartBatchAsync"/>, so that
    /// the next batch's work overlaps this one's wait for acknowledgements and commits.
    /// </summary>
    protected virtual int MaxBatchesInFlight => 1;

    /// <summary>
    /// Starts a batch and returns once the next one may start; the task returned completes when this batch is durable.
    /// A batch must not become durable before the batches started ahead of it (and must fail when one of them failed):
    /// the loop commits offsets in batch order, and after a failure it redoes every batch that was not yet durable.
    /// </summary>
    protected virtual async Task<Task> StartBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        await HandleBatchAsync(batch, ct);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Offsets to resume from, when the handler keeps them itself (null defers to Kafka's committed offsets): on
    /// assignment (<paramref name="failure"/> null) or to redo the batches after a failure (what failed).
    /// </summary>
    protected virtual IReadOnlyDictionary<TopicPartition, long>? LoadStoredOffsets(IReadOnlyCollection<TopicPartition> partitions, Exception? failure) => null;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        // Consume blocks, so the loop gets a thread of its own rather than a pool thread.
        return Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(clients.ConsumerConfig(GroupId, OffsetReset))
            .SetPartitionsAssignedHandler(OnAssigned)
            .SetPartitionsRevokedHandler((c, revoked) => FinishPending(c, "at a rebalance"))
            .SetErrorHandler((_, e) => logger.LogWarning("Kafka client {Group}: {Reason} (fatal: {Fatal})", GroupId, e.Reason, e.IsFatal))
            .SetLogHandler((_, m) => KafkaLog.Write(logger, m))
            .Build();
        if (TailAllPartitions)
        {
            AssignAllAtEnd(consumer);
        }
        else
        {
            consumer.Subscribe(Topics);
        }

        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // With batches in flight, poll briefly: finishing them should not wait for the next message.
                Fill(consumer, _inFlight.Count > 0 ? TimeSpan.FromMilliseconds(5) : TimeSpan.FromMilliseconds(200));
                if (_pending.Count > 0)
                {
                    while (_inFlight.Count >= Math.Max(1, MaxBatchesInFlight))
                    {
                        CompleteOldest(consumer);
                    }

                    Start();
                }
                else if (_inFlight.Count > 0)
                {
                    CompleteOldest(consumer);
                }

                while (_inFlight.TryPeek(out var head) && head.Durable.IsCompleted)
                {
                    CompleteOldest(consumer);
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Any failure of the handler or the broker: rewind and retry this batch later; never drop it.
                failures++;
                var delay = Backoff.After(failures);
                if (ex is BatchRedoException)
                {
                    logger.LogWarning("Consumer {Group} redoes a batch of {Count} in {Delay}: {Reason}", GroupId, _pending.Count, delay, ex.Message);
                }
                else
                {
                    logger.LogError(ex, "Consumer {Group} failed on a batch of {Count}; retrying in {Delay}", GroupId, _pending.Count, delay);
                }

                Rewind(consumer, AbandonInFlight(consumer), ex);
                if (!PausedWait(consumer, delay, ct))
                {
                    break;
                }
            }
        }

        FinishPending(consumer, "at a stop");
        try
        {
            consumer.Close();
        }
        catch (KafkaException ex)
        {
            logger.LogWarning(ex, "Consumer {Group} did not leave its group cleanly", GroupId);
        }
    }

    private void AssignAllAtEnd(IConsumer<string, byte[]> consumer)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = Topics
            .SelectMany(t => admin.GetMetadata(t, TimeSpan.FromSeconds(30)).Topics.Single().Partitions
                .Select(p => new TopicPartitionOffset(t, p.PartitionId, Offset.End)))
            .ToList();
        consumer.Assign(partitions);
        IsAssigned = partitions.Count > 0;
    }

    /// <summary>
    /// Backs off with the partitions paused but the consumer still polling, so it keeps its group membership (and
    /// handles rebalances) through an outage longer than max.poll.interval.ms. False when stopping.
    /// </summary>
    private bool PausedWait(IConsumer<string, byte[]> consumer, TimeSpan delay, CancellationToken ct)
    {
        var paused = consumer.Assignment.ToList();
        consumer.Pause(paused);
        try
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < delay)
            {
                if (ct.IsCancellationRequested)
                {
                    return false;
                }

                // Paused partitions return nothing; the call serves heartbeats and rebalance callbacks.
                var unexpected = consumer.Consume(TimeSpan.FromMilliseconds(Math.Min(200, Math.Max(1, (delay - waited.Elapsed).TotalMilliseconds))));
                if (unexpected is not null && !unexpected.IsPartitionEOF)
                {
                    // A partition assigned during the pause is not paused; hand its message back for the next round.
                    consumer.Seek(unexpected.TopicPartitionOffset);
                }
            }

            return true;
        }
        finally
        {
            var stillOurs = consumer.Assignment.ToHashSet();
            consumer.Resume(paused.Where(stillOurs.Contains));
        }
    }

    private void Fill(IConsumer<string, byte[]> consumer, TimeSpan wait)
    {
        var first = consumer.Consume(wait);
        if (first is null || first.IsPartitionEOF)
        {
            return;
        }

        _pending.Add(first);
        while (_pending.Count < MaxBatchSize)
        {
            var next = consumer.Consume(TimeSpan.Zero);
            if (next is null)
            {
                break;
            }

            if (!next.IsPartitionEOF)
            {
                _pending.Add(next);
            }
        }
    }

    /// <summary>Starts the pending batch; it stays pending (for a rewind) until the handler has taken it on.</summary>
    private void Start()
    {
        var batch = _pending.ToList();
        var durable = StartBatchAsync(batch, _stopping).GetAwaiter().GetResult();
        _inFlight.Enqueue(new InFlight(
            NextOffsets(batch),
            FirstOffsets(batch),
            durable));
        _pending.Clear();
    }

    /// <summary>Waits for the oldest batch in flight to be durable, then commits its offsets. Throws (leaving it queued) when it failed.</summary>
    private void CompleteOldest(IConsumer<string, byte[]> consumer)
    {
        var oldest = _inFlight.Peek();
        oldest.Durable.GetAwaiter().GetResult();
        _inFlight.Dequeue();
        if (CommitToKafka)
        {
            Commit(consumer, oldest.Next);
        }
    }

    /// <summary>Finishes the pending batch and every one in flight, in order (a rebalance, a stop).</summary>
    private void Process(IConsumer<string, byte[]> consumer)
    {
        if (_pending.Count > 0)
        {
            Start();
        }

        while (_inFlight.Count > 0)
        {
            CompleteOldest(consumer);
        }
    }

    /// <summary>
    /// After a failure: lets the batches in flight settle, commits those that became durable ahead of the first that
    /// did not, and returns the first offsets of everything else, to rewind to.
    /// </summary>
    private Dictionary<TopicPartition, long> AbandonInFlight(IConsumer<string, byte[]> consumer)
    {
        var firsts = FirstOffsets(_pending);
        _pending.Clear();
        var failed = false;
        while (_inFlight.TryDequeue(out var batch))
        {
            if (!failed)
            {
                try
                {
                    batch.Durable.GetAwaiter().GetResult();
                    if (CommitToKafka)
                    {
                        Commit(consumer, batch.Next);
                    }

                    continue;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The batch is redone from its first offsets, with every later one.
                    logger.LogDebug(ex, "Consumer {Group} redoes a batch that was in flight", GroupId);
                    failed = true;
                }
            }
            else
            {
                // A later batch fails once an earlier one did (its outcome adds nothing); it only needs to settle before the rewind.
                batch.Durable.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
            }

            foreach (var (tp, first) in batch.Firsts)
            {
                firsts[tp] = firsts.TryGetValue(tp, out var earlier) ? Math.Min(earlier, first) : first;
            }
        }

        return firsts;
    }

    /// <summary>The offset after the last message of each partition in the batch: where consuming resumes once it is durable.</summary>
    protected static List<TopicPartitionOffset> NextOffsets(IEnumerable<ConsumeResult<string, byte[]>> batch) =>
        [.. batch.GroupBy(r => r.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1))];

    private static Dictionary<TopicPartition, long> FirstOffsets(IEnumerable<ConsumeResult<string, byte[]>> batch) =>
        batch.GroupBy(r => r.TopicPartition).ToDictionary(g => g.Key, g => g.Min(r => r.Offset.Value));

    private void Commit(IConsumer<string, byte[]> consumer, List<TopicPartitionOffset> offsets)
    {
        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException ex) when (ex.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId or ErrorCode.Local_State)
        {
            // The batch is already durable downstream; the next owner may see it again and downstream dedupe absorbs it.
            logger.LogInformation("Consumer {Group} could not commit during a rebalance: {Reason}", GroupId, ex.Error.Reason);
        }
    }

    /// <summary>
    /// Back to where the durable record says this consumer is: the stored offsets when the handler keeps them (they may
    /// be earlier than the failed batch if the store lost a commit), else the failed batch's first offsets.
    /// </summary>
    private void Rewind(IConsumer<string, byte[]> consumer, Dictionary<TopicPartition, long> firsts, Exception failure)
    {
        IReadOnlyDictionary<TopicPartition, long>? stored = null;
        if (!CommitToKafka)
        {
            try
            {
                stored = LoadStoredOffsets(consumer.Assignment, failure);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The store is what failed, most likely; the batch's own offsets will do until it is back.
                logger.LogDebug(ex, "Consumer {Group} could not read its stored offsets", GroupId);
            }
        }

        foreach (var tp in consumer.Assignment)
        {
            long? to = stored is not null && stored.TryGetValue(tp, out var o) ? o : firsts.TryGetValue(tp, out var f) ? f : null;
            if (to is null)
            {
                continue;
            }

            try
            {
                consumer.Seek(new TopicPartitionOffset(tp, to.Value));
            }
            catch (KafkaException ex)
            {
                // The partition moved to another member meanwhile; it resumes from the stored offsets there.
                logger.LogInformation("Consumer {Group} could not rewind {Partition}: {Reason}", GroupId, tp, ex.Error.Reason);
            }
        }
    }

    private List<TopicPartitionOffset> OnAssigned(IConsumer<string, byte[]> consumer, List<TopicPartition> partitions)
    {
        logger.LogInformation("Consumer {Group} assigned {Count} partitions", GroupId, partitions.Count);
        IsAssigned = true;
        var stored = LoadStoredOffsets(partitions, null);
        return partitions
            .Select(tp => new TopicPartitionOffset(tp, stored is not null && stored.TryGetValue(tp, out var o) ? new Offset(o) : Offset.Unset))
            .ToList();
    }

    private void FinishPending(IConsumer<string, byte[]> consumer, string when)
    {
        if (_pending.Count == 0 && _inFlight.Count == 0)
        {
            return;
        }

        try
        {
            Process(consumer);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The next owner resumes from the last durable offsets and redoes these batches.
            logger.LogWarning(ex, "Consumer {Group} handed over {Count} unprocessed messages and {Batches} batches in flight {When}", GroupId, _pending.Count, _inFlight.Count, when);
            AbandonInFlight(consumer);
        }
    }

    /// <summary>A batch started and not yet committed: the offsets to commit once it is durable, and where to rewind to if not.</summary>
    private sealed record InFlight(List<TopicPartitionOffset> Next, Dictionary<TopicPartition, long> Firsts, Task Durable);
}

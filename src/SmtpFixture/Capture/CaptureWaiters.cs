namespace SmtpFixture.Capture;

/// <summary>
/// The pending <c>WaitFor…</c> calls of a server. The capture offers each new item to them (no polling); a policy
/// error fails them all; stopping the server fails them and every later wait that would have to block. Each wait ends
/// in one of four ways, each with a message that says what it waited for and what the server holds.
/// </summary>
internal sealed class CaptureWaiters(FaultSink faults, Func<string> describe)
{
    private readonly object _gate = new();
    private readonly List<IWaiter> _waiters = [];
    private bool _stopped;

    /// <summary>Throws our own <see cref="ArgumentOutOfRangeException"/> for a timeout that is negative (other than infinite).</summary>
    public static void CheckTimeout(TimeSpan? timeout, string paramName)
    {
        if (timeout is { } t && t < TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(
                paramName, t, "A wait timeout must be zero or positive (or Timeout.InfiniteTimeSpan to wait without limit); null means the server's DefaultWaitTimeout.");
        }
    }

    /// <summary>Offers a new item to the waiters for its type; those it satisfies leave the list.</summary>
    public void Offer<T>(T item)
        where T : class
    {
        IWaiter[] waiters;
        lock (_gate)
        {
            if (_waiters.Count == 0)
            {
                return;
            }

            waiters = [.. _waiters];
        }

        foreach (var waiter in waiters)
        {
            if (waiter is Waiter<T> typed && typed.Offer(item))
            {
                Remove(waiter);
            }
        }
    }

    /// <summary>Fails every pending waiter with the errors not yet reported, if anyone waits; otherwise they stay for the next caller.</summary>
    public void FailWithUnreportedErrors()
    {
        lock (_gate)
        {
            if (_waiters.Count == 0)
            {
                return;
            }
        }

        if (faults.Take() is { } error)
        {
            foreach (var waiter in TakeAll())
            {
                waiter.Fail(error);
            }
        }
    }

    /// <summary>Fails every pending waiter, and every later one that finds nothing, because the server was stopped.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
        }

        var capture = describe();
        foreach (var waiter in TakeAll())
        {
            waiter.Fail(StoppedError(waiter, capture));
        }
    }

    /// <summary>
    /// Waits until <paramref name="waiter"/> is satisfied: at once by an error not yet reported, or by an item that
    /// <paramref name="findExisting"/> finds; otherwise by the next matching item, within <paramref name="timeout"/>.
    /// </summary>
    public async Task<T> WaitAsync<T>(Waiter<T> waiter, Func<T?> findExisting, TimeSpan timeout, Func<string> describePending, CancellationToken cancellationToken)
        where T : class
    {
        bool added;
        lock (_gate)
        {
            added = !_stopped;
            if (added)
            {
                _waiters.Add(waiter);
            }
        }

        // Added first, checked second: an item or error that arrives in between is offered to the waiter as well.
        try
        {
            if (faults.Take() is { } error)
            {
                waiter.Fail(error);
            }
            else if (findExisting() is { } existing)
            {
                waiter.Complete(existing);
            }
            else if (!added)
            {
                waiter.Fail(StoppedError(waiter, describe()));
            }

            return await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!waiter.Task.IsCompleted)
        {
            throw new SmtpWaitTimeoutException(CaptureReport.TimedOut(waiter.What, timeout, describe(), describePending()));
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && !waiter.Task.IsCompleted)
        {
            throw new TaskCanceledException(CaptureReport.Canceled(waiter.What, describe(), describePending()), ex, cancellationToken);
        }
        finally
        {
            Remove(waiter);
        }
    }

    private static ObjectDisposedException StoppedError(IWaiter waiter, string capture) =>
        new(nameof(SmtpTestServer), CaptureReport.Stopped(waiter.What, capture));

    private void Remove(IWaiter waiter)
    {
        lock (_gate)
        {
            _waiters.Remove(waiter);
        }
    }

    private IWaiter[] TakeAll()
    {
        lock (_gate)
        {
            IWaiter[] all = [.. _waiters];
            _waiters.Clear();
            return all;
        }
    }
}

namespace SmtpFixture.Capture;

/// <summary>One pending <c>WaitFor…</c> call, as <see cref="CaptureWaiters"/> sees it whatever it waits for.</summary>
internal interface IWaiter
{
    /// <summary>What the call waits for, as the failure messages say it: e.g. <c>a message matching m =&gt; m.Subject == "Hi"</c>.</summary>
    string What { get; }

    void Fail(Exception error);
}

/// <summary>
/// A <c>WaitFor…</c> call waiting for an item of type <typeparamref name="T"/> (a message, an ended attempt, a refusal)
/// that its predicate accepts. Its continuations run on the thread pool, never on the session that offers the item.
/// </summary>
internal sealed class Waiter<T>(Func<T, bool> match, string what) : IWaiter
    where T : class
{
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string What { get; } = what;

    public Task<T> Task => _done.Task;

    /// <summary>Offers an item; returns whether the waiter is done now (it matched, or the predicate threw and fails the wait).</summary>
    public bool Offer(T item)
    {
        if (_done.Task.IsCompleted)
        {
            return true;
        }

        bool matched;
        try
        {
            matched = match(item);
        }
        catch (Exception ex)
        {
            // The test's own predicate failed: that is the test's error to see, from its wait.
            _done.TrySetException(ex);
            return true;
        }

        if (matched)
        {
            _done.TrySetResult(item);
        }

        return matched;
    }

    public void Complete(T item) => _done.TrySetResult(item);

    public void Fail(Exception error) => _done.TrySetException(error);
}

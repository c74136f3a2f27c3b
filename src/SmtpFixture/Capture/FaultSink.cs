namespace SmtpFixture.Capture;

/// <summary>
/// Errors of policies and callbacks that no test has seen yet. The client got a 4xx and the session went on, so the
/// only way a test learns of them is from here: each error is handed out once, as one <see cref="SmtpPolicyException"/>,
/// to the first of the next wait, the next assertion or an explicit <see cref="SmtpTestServer.ThrowIfFaulted"/>.
/// </summary>
internal sealed class FaultSink
{
    private readonly object _gate = new();
    private List<Exception> _errors = [];

    public bool HasErrors
    {
        get
        {
            lock (_gate)
            {
                return _errors.Count > 0;
            }
        }
    }

    public void Add(Exception error)
    {
        lock (_gate)
        {
            _errors.Add(error);
        }
    }

    /// <summary>Returns (and forgets) the errors not yet reported, as one exception; <see langword="null"/> when there are none.</summary>
    public SmtpPolicyException? Take()
    {
        List<Exception> errors;
        lock (_gate)
        {
            if (_errors.Count == 0)
            {
                return null;
            }

            errors = _errors;
            _errors = [];
        }

        return new SmtpPolicyException(errors);
    }

    /// <summary>Throws the errors not yet reported, if any, and forgets them.</summary>
    public void ThrowIfAny()
    {
        if (Take() is { } errors)
        {
            throw errors;
        }
    }
}

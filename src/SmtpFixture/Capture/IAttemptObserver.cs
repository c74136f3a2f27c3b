namespace SmtpFixture.Capture;

/// <summary>
/// Hears what happens to an attempt after it was stored: each exchange recorded and the moment it ends. Called on the
/// session's thread, which is the only one that changes the attempt, so the calls come in order.
/// </summary>
internal interface IAttemptObserver
{
    void ExchangeRecorded(SmtpAttempt attempt, SmtpExchange exchange);

    void AttemptEnded(SmtpAttempt attempt);
}

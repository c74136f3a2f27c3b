using FluentAssertions;
using FluentAssertions.Execution;

namespace SmtpFixture.FluentAssertions;

/// <summary>
/// What <see cref="SmtpTestServerAssertions.HaveReceived"/> returns: the messages the server held when it was
/// asserted, for further assertions (<c>.Message().Should().HaveSubject(…)</c>).
/// </summary>
public sealed class ReceivedMessagesConstraint : AndWhichConstraint<SmtpTestServerAssertions, IReadOnlyList<ReceivedMessage>>
{
    private readonly IReadOnlyList<ReceivedMessage> _messages;

    internal ReceivedMessagesConstraint(SmtpTestServerAssertions parent, IReadOnlyList<ReceivedMessage> messages)
        : base(parent, messages)
    {
        _messages = messages;
    }

    /// <summary>The only message received; fails the test if there is not exactly one (use <see cref="Messages"/> then).</summary>
    /// <returns>The message.</returns>
    [CustomAssertion]
    public ReceivedMessage Message()
    {
        Execute.Assertion
            .ForCondition(_messages.Count == 1)
            .FailWith("Expected exactly one received message to take with Message(), but there were " + _messages.Count + "; use Messages().");
        return _messages.Count > 0 ? _messages[0] : null!;
    }

    /// <summary>The messages received, oldest first.</summary>
    /// <returns>The messages.</returns>
    public IReadOnlyList<ReceivedMessage> Messages() => _messages;
}

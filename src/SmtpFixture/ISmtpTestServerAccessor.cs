namespace SmtpFixture;

/// <summary>
/// Something that holds a running <see cref="SmtpTestServer"/>, such as a test framework's fixture. Assertion libraries
/// accept it wherever they accept the server, so that a test asserts on its fixture directly (<c>smtp.Should()</c>)
/// without the core or the fixture depending on each other's packages.
/// </summary>
public interface ISmtpTestServerAccessor
{
    /// <summary>The running server.</summary>
    /// <exception cref="InvalidOperationException">The holder has not started the server yet, or has stopped it.</exception>
    SmtpTestServer Server { get; }
}

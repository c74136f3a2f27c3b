using SmtpFixture;
using SmtpFixture.Policies;
using TUnit.Core.Interfaces;

namespace WithTUnit;

/// <summary>
/// The whole TUnit adapter: TUnit starts a ClassDataSource that is an <see cref="IAsyncInitializer"/> before the tests
/// that share it and disposes it after them. Configure the server here, one class per configuration.
/// </summary>
public sealed class SmtpServer : IAsyncInitializer, IAsyncDisposable
{
    public SmtpTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("@example.com")));

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

// One throwaway PostgreSQL and Redis for the whole assembly; each test class takes its own database.
[assembly: Xunit.AssemblyFixture(typeof(Social.Testing.StoresFixture))]

#include "domain/services.hpp"

namespace domain {

Services::Services(const Repositories& repositories, AccountOptions accounts,
                   BoardEventPublisher& publisher, SyncOptions sync, BoardLimits limits)
    : accounts_(repositories.users, repositories.sessions, accounts),
      boards_(repositories.boards, repositories.users, publisher, accounts.clock, limits),
      elements_(repositories.elements, repositories.boards, publisher, accounts.clock, limits),
      sync_(repositories.events, repositories.boards, sync, accounts.clock) {}

}  // namespace domain

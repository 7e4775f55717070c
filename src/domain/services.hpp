#pragma once
// The board's use cases built on one set of repositories: what the composition root
// (src/app) makes from an opened backend and hands to the API.
//
//   domain::Services services(backend->repositories(), account_options, publisher,
//                             sync_options, board_limits);
//   services.boards().get(ctx, user_id, board_id);   // on the backend's executor

#include "domain/account_service.hpp"
#include "domain/board_events.hpp"
#include "domain/board_limits.hpp"
#include "domain/board_service.hpp"
#include "domain/element_service.hpp"
#include "domain/repositories.hpp"
#include "domain/sync_service.hpp"

namespace domain {

// A backend's repositories; they must outlive the services built on them.
struct Repositories {
  UserRepository& users;
  SessionRepository& sessions;
  BoardRepository& boards;
  ElementRepository& elements;
  BoardEventRepository& events;
};

class Services {
 public:
  // Every committed board change is handed to `publisher`, which must outlive the
  // services.
  Services(const Repositories& repositories, AccountOptions accounts,
           BoardEventPublisher& publisher, SyncOptions sync = {}, BoardLimits limits = {});
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  AccountService& accounts() noexcept { return accounts_; }
  BoardService& boards() noexcept { return boards_; }
  ElementService& elements() noexcept { return elements_; }
  SyncService& sync() noexcept { return sync_; }

 private:
  AccountService accounts_;
  BoardService boards_;
  ElementService elements_;
  SyncService sync_;
};

}  // namespace domain
